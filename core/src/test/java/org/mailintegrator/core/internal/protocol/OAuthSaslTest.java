package org.mailintegrator.core.internal.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OAuthSaslTest {
    private static String decoded(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    @Test
    void oauthBearerIsPreferredToXoauth2() {
        assertThat(OAuthSasl.choose(Set.of("XOAUTH2", "OAUTHBEARER")::contains)).contains("OAUTHBEARER");
        assertThat(OAuthSasl.choose(Set.of("XOAUTH2", "PLAIN")::contains)).contains("XOAUTH2");
        assertThat(OAuthSasl.choose(Set.of("PLAIN", "LOGIN")::contains)).isEmpty();
    }

    @Test
    void theInitialResponsesFollowTheirSpecifications() {
        assertThat(decoded(OAuthSasl.initialResponse("OAUTHBEARER", "a,b=c@example.com", "tok", "imap.example.com",
                993))).isEqualTo("n,a=a=2Cb=3Dc@example.com,\1host=imap.example.com\1port=993\1auth=Bearer tok\1\1");
        assertThat(decoded(OAuthSasl.initialResponse("OAUTHBEARER", "u@example.com", "tok", null, 993)))
                .isEqualTo("n,a=u@example.com,\1auth=Bearer tok\1\1");
        assertThat(decoded(OAuthSasl.initialResponse("XOAUTH2", "u@example.com", "tok", "imap.example.com", 993)))
                .isEqualTo("user=u@example.com\1auth=Bearer tok\1\1");
    }

    @Test
    void anErrorChallengeIsDecodedAndAnsweredAsTheMechanismSays() {
        String gmail = Base64.getEncoder().encodeToString(
                "{\"status\":\"401\",\"schemes\":\"Bearer\",\"scope\":\"https://mail.google.com/\"}"
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(OAuthSasl.decodeError(" " + gmail)).isEqualTo(
                new OAuthSasl.ErrorStatus("401", "https://mail.google.com/"));
        assertThat(OAuthSasl.decodeError("not base64 !")).isEqualTo(new OAuthSasl.ErrorStatus(null, null));
        assertThat(OAuthSasl.decodeError(Base64.getEncoder().encodeToString("{\"status\":\"\\u0007\"}"
                .getBytes(StandardCharsets.UTF_8))).status()).isNull();
        assertThat(OAuthSasl.errorReply("OAUTHBEARER")).isEqualTo("AQ==");
        assertThat(decoded(OAuthSasl.errorReply("OAUTHBEARER"))).isEqualTo("\1");
        assertThat(OAuthSasl.errorReply("XOAUTH2")).isEmpty();
    }
}
