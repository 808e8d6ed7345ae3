package io.simfaasinfer.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader();

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private SimulatorConfig load(Path file, String... sets) {
        return loader.load(file, List.of(sets)).config();
    }

    @Test
    void defaultsAloneGiveACompleteConfig() {
        ConfigLoader.Loaded l = loader.load(null, List.of());
        SimulatorConfig c = l.config();
        assertThat(l.source()).isEqualTo("command line");
        assertThat(c.simulation()).isEqualTo(new SimulationConfig(42, null, 0, 0.0));
        assertThat(c.workload().numRequests()).isEqualTo(1000);
        assertThat(c.workload().arrival()).isEqualTo(new ArrivalConfig("poisson", 1.0, null));
        assertThat(c.workload().promptTokens()).isEqualTo(LengthConfig.fixed(512));
        assertThat(c.workload().outputTokens()).isEqualTo(LengthConfig.fixed(128));
        assertThat(c.model().name()).isEqualTo("llama-2-7b");
        assertThat(c.cluster()).isEqualTo(new ClusterConfig("h100-80gb", 1, 1, "round_robin", 0.9, 16, -1.0));
        assertThat(c.scheduler().name()).isEqualTo("vllm");
        assertThat(c.scheduler().maxNumSeqs()).isEqualTo(256);
        assertThat(c.scheduler().maxNumBatchedTokens()).isZero();
        assertThat(c.scheduler().watermark()).isEqualTo(0.01);
        assertThat(c.scheduler().options()).isEmpty();
        assertThat(c.predictor()).isEqualTo(new PredictorConfig("auto", null, java.util.List.of(), null, false, 0.45, 0.85, 0.7, 0.3, 75.0, "none"));
        assertThat(c.catalog().file()).isNull();
    }

    @Test
    void yamlFileLoadsAndDefaultsFillMissingKeys() throws IOException {
        Path f = write("c.yaml", """
                simulation:
                  random_seed: 7
                  duration_s: 30
                workload:
                  num_requests: 20
                  arrival:
                    process: gamma
                    rate: 3.5
                    cv: 2
                model:
                  name: llama-3-8b
                cluster:
                  tp: 2
                  replicas: 3
                """);
        ConfigLoader.Loaded l = loader.load(f, List.of());
        SimulatorConfig c = l.config();
        assertThat(l.source()).isEqualTo(f.toString());
        assertThat(l.baseDir()).isEqualTo(dir.toAbsolutePath());
        assertThat(c.simulation()).isEqualTo(new SimulationConfig(7, 30.0, 0, 0.0));
        assertThat(c.workload().numRequests()).isEqualTo(20);
        assertThat(c.workload().arrival()).isEqualTo(new ArrivalConfig("gamma", 3.5, 2.0));
        assertThat(c.workload().promptTokens()).as("default kept").isEqualTo(LengthConfig.fixed(512));
        assertThat(c.model().name()).isEqualTo("llama-3-8b");
        // merged into the defaults of the section, key by key
        assertThat(c.cluster()).isEqualTo(new ClusterConfig("h100-80gb", 2, 3, "round_robin", 0.9, 16, -1.0));
        assertThat(c.scheduler().maxNumSeqs()).isEqualTo(256);
    }

    @Test
    void jsonFileLoads() throws IOException {
        Path f = write("c.json", """
                {"model": {"name": "mistral-7b"},
                 "cluster": {"gpu": "a100-80gb", "gpu_memory_utilization": 0.8},
                 "workload": {"output_tokens": {"distribution": "uniform", "min": 5, "max": 50}}}
                """);
        SimulatorConfig c = load(f);
        assertThat(c.model().name()).isEqualTo("mistral-7b");
        assertThat(c.cluster().gpu()).isEqualTo("a100-80gb");
        assertThat(c.cluster().gpuMemoryUtilization()).isEqualTo(0.8);
        assertThat(c.cluster().tp()).isEqualTo(1);
        assertThat(c.workload().outputTokens())
                .isEqualTo(new LengthConfig("uniform", null, 5, 50, null, null, null, null, null));
    }

    @Test
    void lengthObjectsInAFileReplaceTheDefaultWhole() throws IOException {
        Path f = write("c.yaml", """
                workload:
                  prompt_tokens:
                    distribution: lognormal
                    mean: 300
                    std: 100
                  arrival:
                    process: constant
                    rate: 4
                """);
        SimulatorConfig c = load(f);
        // the default 'value: 512' must not leak into a lognormal
        assertThat(c.workload().promptTokens())
                .isEqualTo(new LengthConfig("lognormal", null, null, null, 300.0, 100.0, null, null, null));
        assertThat(c.workload().arrival()).isEqualTo(new ArrivalConfig("constant", 4.0, null));
    }

    @Test
    void hardwareIsAcceptedAsCluster() throws IOException {
        Path f = write("c.yaml", """
                hardware:
                  gpu: a100-40gb
                  tp: 4
                """);
        SimulatorConfig c = load(f);
        assertThat(c.cluster().gpu()).isEqualTo("a100-40gb");
        assertThat(c.cluster().tp()).isEqualTo(4);
        assertThat(c.cluster().replicas()).as("defaults still fill the rest").isEqualTo(1);
        assertThat(load(null, "hardware.replicas=5").cluster().replicas()).isEqualTo(5);
    }

    @Test
    void setOverridesDottedPathsWithTypedValues() throws IOException {
        Path f = write("c.yaml", """
                cluster:
                  tp: 2
                workload:
                  prompt_tokens:
                    distribution: uniform
                    min: 10
                    max: 100
                """);
        SimulatorConfig c = load(f,
                "cluster.tp=4",
                "model.name=llama-2-13b",
                "workload.arrival.rate=2.5",
                "simulation.duration_s=12",
                "scheduler.options.foo=bar",
                "workload.prompt_tokens={distribution: fixed, value: 7}");
        assertThat(c.cluster().tp()).isEqualTo(4);
        assertThat(c.model().name()).isEqualTo("llama-2-13b");
        assertThat(c.workload().arrival().rate()).isEqualTo(2.5);
        assertThat(c.workload().arrival().process()).isEqualTo("poisson");
        assertThat(c.simulation().durationS()).isEqualTo(12.0);
        assertThat(c.scheduler().options()).containsEntry("foo", "bar");
        // the flow map replaces the uniform object whole: no min/max left over
        assertThat(c.workload().promptTokens()).isEqualTo(LengthConfig.fixed(7));
    }

    @Test
    void aDurationWithoutARequestCountRunsTheWholeDurationNotTheDefaultCount() throws IOException {
        Path f = write("d.yaml", "simulation:\n  duration_s: 3600\n");
        assertThat(loader.load(f, List.of()).config().workload().numRequests()).isNull();
        assertThat(loader.load(null, List.of("simulation.duration_s=60")).config().workload().numRequests()).isNull();
        // a count given anywhere keeps both bounds
        assertThat(loader.load(f, List.of("workload.num_requests=50")).config().workload().numRequests()).isEqualTo(50);
        assertThat(loader.load(null, List.of()).config().workload().numRequests()).isEqualTo(1000);
    }

    @Test
    void laterSetWinsAndNullClearsAKey() {
        SimulatorConfig c = load(null, "cluster.tp=2", "cluster.tp=8", "workload.num_requests=null",
                "simulation.duration_s=5");
        assertThat(c.cluster().tp()).isEqualTo(8);
        assertThat(c.workload().numRequests()).isNull();
        assertThat(c.simulation().durationS()).isEqualTo(5.0);
    }

    @Test
    void quotedNumberStaysAString() {
        SimulatorConfig c = load(null, "model.name='7'");
        assertThat(c.model().name()).isEqualTo("7");
        assertThatThrownBy(() -> load(null, "cluster.tp='4'"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.tp")
                .hasMessageContaining("expected an integer");
    }

    @Test
    void bindingErrorsNameTheSetThatCausedThem() throws IOException {
        Path f = write("c.yaml", "cluster:\n  tp: 2\n");
        assertThatThrownBy(() -> load(f, "cluster.replicas=many"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--set cluster.replicas=many: cluster.replicas: expected an integer, got 'many'");
        assertThatThrownBy(() -> load(f, "cluster.gpus=x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--set cluster.gpus=x: cluster.gpus: unknown key (did you mean 'gpu'?); expected one of ")
                .hasMessageContaining("gpu_memory_utilization");
    }

    @Test
    void bindingErrorsInTheFileNameTheFile() throws IOException {
        Path f = write("c.yaml", "cluster:\n  tp: 2.5\n");
        assertThatThrownBy(() -> load(f)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(f + ":2: cluster.tp: expected an integer");
        Path g = write("d.yaml", "simulation:\n  random_seed: [1, 2]\n");
        assertThatThrownBy(() -> load(g)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(g + ":2: simulation.random_seed: expected an integer");
        Path h = write("e.yaml", "workload: 3\n");
        assertThatThrownBy(() -> load(h)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(h + ":1: workload: expected a mapping");
    }

    @Test
    void malformedSetsAreRejected() {
        assertThatThrownBy(() -> load(null, "cluster.tp")).isInstanceOf(ConfigException.class)
                .hasMessage("--set cluster.tp: expected key.path=value");
        assertThatThrownBy(() -> load(null, "=3")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("expected key.path=value");
        assertThatThrownBy(() -> load(null, "cluster..tp=3")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("empty key");
        assertThatThrownBy(() -> load(null, "cluster.tp.x=3")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'cluster.tp' is a value, not a section");
        assertThatThrownBy(() -> load(null, "workload.prompt_tokens={distribution: [")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void fileProblems() throws IOException {
        assertThatThrownBy(() -> load(dir.resolve("nope.yaml"))).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("nope.yaml") + ": file not found");
        Path empty = write("empty.yaml", "");
        assertThatThrownBy(() -> load(empty)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("empty configuration file");
        Path list = write("list.yaml", "- a\n- b\n");
        assertThatThrownBy(() -> load(list)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("expected a mapping");
        Path bad = write("bad.yaml", "model:\n  name: x\ncluster:\n  tp: [1\n");
        assertThatThrownBy(() -> load(bad)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(bad + ":4: ").hasMessageContaining("not valid YAML");
        Path badJson = write("bad.json", "{\"model\": {\"name\": \"x\",}}");
        assertThatThrownBy(() -> load(badJson)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(badJson + ":1: not valid JSON");
    }

    @Test
    void maxBatchSizeIsAnAliasOfMaxNumSeqs() throws IOException {
        Path f = write("c.yaml", "scheduler:\n  max_batch_size: 32\n");
        assertThat(load(f).scheduler().maxNumSeqs()).isEqualTo(32);
        assertThat(load(null, "scheduler.max_batch_size=48").scheduler().maxNumSeqs()).isEqualTo(48);
    }
}
