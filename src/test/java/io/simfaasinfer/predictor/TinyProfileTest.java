package io.simfaasinfer.predictor;

import io.simfaasinfer.catalog.Catalog;
import io.simfaasinfer.config.PredictorConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.simfaasinfer.predictor.profile.PredictorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A profile of one prefill and one decode point is usable: the roofline is calibrated on them, with a warning. */
class TinyProfileTest {

    @TempDir
    Path tmp;

    @Test
    void onePrefillAndOneDecodePointCalibrateTheRooflineWithAWarning() throws IOException {
        Path src = Path.of("data/profiling/compute/h100/llama-2-7b");
        Path dir = tmp.resolve("llama-2-7b");
        Files.createDirectories(dir);
        Files.copy(src.resolve("metadata.json"), dir.resolve("metadata.json"));
        ObjectMapper m = new ObjectMapper();
        ArrayNode all = (ArrayNode) m.readTree(src.resolve("fitted_profile.json").toFile());
        ArrayNode few = m.createArrayNode();
        JsonNode prefill = null;
        JsonNode decode = null;
        for (JsonNode e : all) {
            if (prefill == null && e.path("type").asText().equals("prefill") && e.path("seq_len").asInt() == 512
                    && e.path("batch_size").asInt() == 1) {
                prefill = e;
            }
            if (decode == null && e.path("type").asText().equals("decode") && e.path("batch_size").asInt() == 8) {
                decode = e;
            }
        }
        few.add(prefill);
        few.add(decode);
        m.writeValue(dir.resolve("fitted_profile.json").toFile(), few);
        var cat = Catalog.builtin();
        var model = cat.model("llama-2-7b");
        var gpu = cat.gpu("h100-80gb");
        PredictorConfig p = io.simfaasinfer.TestConfigs.of("predictor.kind=profile", "predictor.profile=" + dir)
                .predictor();
        PredictorFactory.Built b = PredictorFactory.build(p, model, gpu, 1, cat);
        assertThat(b.mode()).isEqualTo("calibrated");
        assertThat(b.notes()).anySatisfy(n -> assertThat(n).startsWith("warning: profile ")
                .contains("1 prefill and 1 decode entries"));
        // the two measured points are reproduced closely
        double pre = b.predictor().predict(SimpleBatchForTest.prefill(512, 0)).totalMs();
        assertThat(Math.abs(pre - prefill.path("median_ms").asDouble()) / prefill.path("median_ms").asDouble())
                .isLessThan(0.05);
    }
}
