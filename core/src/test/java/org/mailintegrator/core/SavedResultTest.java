package org.mailintegrator.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What reading a saved result refuses (the round trip of a real result is tested on a real server elsewhere). */
class SavedResultTest {
    @Test
    void aSavedFormThatIsNotOneIsRefusedWithAReason() {
        assertThatThrownBy(() -> IntegrationResult.fromJson("{\"format\":\"mailintegrator.result\",\"version\":2}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 2");
        assertThatThrownBy(() -> IntegrationResult.fromJson("{\"format\":\"something else\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a saved result");
        assertThatThrownBy(() -> IntegrationResult.fromJson("{\"format\":"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON at character");
        assertThatThrownBy(() -> IntegrationResult.fromJson("[".repeat(100)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nested deeper");
    }
}
