package io.simfaasinfer.predictor;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimpleBatchTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void readsTheJsonLineShape() throws Exception {
        SimpleBatch b = json.readValue(
                "{\"prefill_tokens\":[512,384], \"prefill_context\":[0,1024], \"decode_context\":[1024,700,700]}",
                SimpleBatch.class);
        assertThat(b.numPrefills()).isEqualTo(2);
        assertThat(b.prefillTokens(1)).isEqualTo(384);
        assertThat(b.prefillContext(1)).isEqualTo(1024);
        assertThat(b.numDecodes()).isEqualTo(3);
        assertThat(b.totalNewTokens()).isEqualTo(512 + 384 + 3);
        assertThat(b.totalDecodeContext()).isEqualTo(2424);
        assertThat(json.readValue(json.writeValueAsString(b), SimpleBatch.class)).isEqualTo(b);
    }

    @Test
    void prefillContextIsOptional() throws Exception {
        SimpleBatch b = json.readValue("{\"prefill_tokens\":[100, 200]}", SimpleBatch.class);
        assertThat(b.prefillContext(0)).isZero();
        assertThat(b.prefillContext(1)).isZero();
        assertThat(b.numDecodes()).isZero();
        assertThat(json.readValue("{\"decode_context\":[5]}", SimpleBatch.class)).isEqualTo(SimpleBatch.decodes(5));
    }

    @Test
    void validates() {
        assertThatThrownBy(() -> SimpleBatch.of(new int[] {1, 2}, new int[] {0}, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefill_context has 1");
        assertThatThrownBy(() -> SimpleBatch.prefills(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefill_tokens[0] must be >= 1");
        assertThatThrownBy(() -> SimpleBatch.of(new int[] {1}, new int[] {-1}, null))
                .hasMessageContaining("prefill_context[0]");
        assertThatThrownBy(() -> SimpleBatch.decodes(3, -4)).hasMessageContaining("decode_context[1]");
        assertThatThrownBy(() -> json.readValue("{\"prefill_tokens\":[0]}", SimpleBatch.class))
                .hasMessageContaining("prefill_tokens[0] must be >= 1");
    }

    @Test
    void copiesDefensively() {
        int[] t = {10, 20};
        SimpleBatch b = SimpleBatch.of(t, null, null);
        t[0] = 99;
        assertThat(b.prefillTokens(0)).isEqualTo(10);
        b.prefillTokensArray()[1] = 99;
        assertThat(b.prefillTokens(1)).isEqualTo(20);
        assertThat(SimpleBatch.copyOf(b)).isEqualTo(b);
        assertThat(b.prefillPart()).isEqualTo(b);
        assertThat(b.decodePart()).isEqualTo(SimpleBatch.EMPTY);
    }
}
