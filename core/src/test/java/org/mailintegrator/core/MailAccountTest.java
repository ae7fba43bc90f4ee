package org.mailintegrator.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MailAccountTest {
    private static final String PASSWORD = "p4ss-w0rd-never-shown";

    @Test
    void defaultsUserNameToTheAddressAndHostToTheDomain() {
        MailAccount account = MailAccount.builder("Alice@Example.COM").password(PASSWORD).build();

        assertThat(account.username()).isEqualTo("Alice@Example.COM");
        assertThat(account.host()).isEqualTo("example.com");
        assertThat(account.host(MailProtocol.IMAP)).isEqualTo("example.com");
        assertThat(account.host(MailProtocol.POP3)).isEqualTo("example.com");
        assertThat(account.givesHost(MailProtocol.POP3)).isFalse();
    }

    @Test
    void perProtocolHostOverridesTheAccountHostForThatProtocolOnly() {
        MailAccount account = MailAccount.builder("alice@example.com").password(PASSWORD)
                .host("mail.example.com").host(MailProtocol.POP3, "pop.example.com").build();

        assertThat(account.host(MailProtocol.IMAP)).isEqualTo("mail.example.com");
        assertThat(account.host(MailProtocol.POP3)).isEqualTo("pop.example.com");
    }

    @Test
    void toStringShowsEverythingButThePassword() {
        MailAccount account = MailAccount.builder("alice@example.com").password(PASSWORD).username("alice").build();

        assertThat(account.toString()).contains("alice@example.com", "alice", "example.com", "****")
                .doesNotContain(PASSWORD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "@example.com", "alice@", "al ice@example.com", "alice@exa\r\nmple.com",
            "alice@example.com\u0000"})
    void rejectsMalformedAddresses(String address) {
        assertThatThrownBy(() -> MailAccount.builder(address)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("emailAddress");
    }

    @Test
    void rejectsNullsWithTheArgumentName() {
        assertThatThrownBy(() -> MailAccount.builder(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("emailAddress");
        MailAccount.Builder builder = MailAccount.builder("alice@example.com");
        assertThatThrownBy(() -> builder.password(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("password");
        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs a password, an access token or an access token source");
    }

    @Test
    void settingAValueAgainReplacesIt() {
        MailAccount account = MailAccount.builder("alice@example.com").password("first").password(PASSWORD)
                .username("a").username("alice").build();

        assertThat(account).isEqualTo(MailAccount.builder("alice@example.com").password(PASSWORD).username("alice")
                .build());
    }

    @Test
    void anAccessTokenStandsInForThePasswordAndIsNeverShown() {
        MailAccount account = MailAccount.builder("alice@example.com").accessToken("ya29.token").build();

        assertThat(account.toString()).doesNotContain("ya29.token").contains("accessToken=****");
        assertThat(account.toBuilder().build()).isEqualTo(account);
        assertThat(account).isNotEqualTo(MailAccount.builder("alice@example.com").password("ya29.token").build());
    }

    @Test
    void anAccountHasAPasswordOrAnAccessTokenNotBoth() {
        MailAccount.Builder both = MailAccount.builder("alice@example.com").password(PASSWORD).accessToken("ya29.t");

        assertThatThrownBy(both::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a password, an access token or an access token source, only one of them")
                .hasMessageNotContaining(PASSWORD).hasMessageNotContaining("ya29.t");
        assertThatThrownBy(() -> MailAccount.builder("alice@example.com").accessToken((String) null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("accessToken");
        assertThatThrownBy(() -> MailAccount.builder("alice@example.com").accessTokenSource(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("accessTokenSource");
        assertThatThrownBy(() -> MailAccount.builder("alice@example.com").accessToken("ya29.t")
                .accessTokenSource(() -> "ya29.u").build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> MailAccount.builder("alice@example.com").accessToken(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("accessToken must not be empty");
    }

    @Test
    void anAccountWithATokenSourceShowsTheSourceNeverAToken() {
        AccessTokenSource source = () -> "ya29.from-source";
        MailAccount account = MailAccount.builder("alice@example.com").accessTokenSource(source).build();

        assertThat(account.toString()).doesNotContain("ya29").contains("accessTokenSource=");
        assertThat(account.toBuilder().build()).isEqualTo(account);
        assertThat(account).isNotEqualTo(MailAccount.builder("alice@example.com").accessTokenSource(() -> "x").build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r", "\n", "\u0000", "\u007f"})
    void rejectsControlCharactersInTheAccessTokenWithoutEchoingIt(String control) {
        assertThatThrownBy(() -> MailAccount.builder("alice@example.com").accessToken("ya29.tok" + control + "en"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("accessToken must not contain control characters")
                .hasMessageNotContaining("ya29.tok");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r", "\n", "\u0000", "\u007f"})
    void rejectsControlCharactersInEveryFieldWithoutEchoingThePassword(String control) {
        MailAccount.Builder builder = MailAccount.builder("alice@example.com");

        assertThatThrownBy(() -> builder.password(PASSWORD + control + "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("password must not contain control characters")
                .hasMessageNotContaining(PASSWORD);
        assertThatThrownBy(() -> builder.username("alice" + control))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("username");
        assertThatThrownBy(() -> builder.host("mail" + control + ".example.com"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host");
        assertThatThrownBy(() -> builder.host(MailProtocol.POP3, "pop.example.com" + control))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host for POP3");
    }

    @Test
    void rejectsBlankValues() {
        MailAccount.Builder builder = MailAccount.builder("alice@example.com");

        assertThatThrownBy(() -> builder.password("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.username(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.host(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
    }

    @Test
    void oneBuilderMakesIndependentAccounts() {
        MailAccount.Builder builder = MailAccount.builder("alice@example.com").password(PASSWORD);
        MailAccount first = builder.build();
        MailAccount second = builder.host(MailProtocol.POP3, "pop.example.com").build();

        assertThat(first.host(MailProtocol.POP3)).isEqualTo("example.com");
        assertThat(second.host(MailProtocol.POP3)).isEqualTo("pop.example.com");
        assertThat(second.toBuilder().build()).isEqualTo(second);
    }

    @Test
    void aHostWithAPortIsRefusedBeforeAnyConnectionWithTheReason() {
        assertThatThrownBy(() -> MailAccount.builder("alice@example.com").password("pw").host("127.0.0.1:993"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without a port").hasMessageContaining("127.0.0.1:993");
        assertThatThrownBy(() -> MailAccount.builder("alice@example.com").password("pw")
                .host(MailProtocol.POP3, "pop.example.com:995"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without a port");
        assertThat(MailAccount.builder("alice@example.com").password("pw").host("::1").build().host())
                .as("an IPv6 address is not a host with a port").isEqualTo("::1");
    }
}
