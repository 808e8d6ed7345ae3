package io.simfaasinfer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small trace files the command tests write. */
public final class TestTraces {

    private TestTraces() {
    }

    /**
     * An Azure-format trace {@code t.csv} of three rows, the second malformed (line 3), and a
     * configuration {@code tc.yaml} beside it that replays it with {@code on_malformed: skip}.
     *
     * @return the configuration file
     */
    public static Path oneMalformedRowSkipped(Path dir) throws IOException {
        Files.writeString(dir.resolve("t.csv"), "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                + "2023-11-16 18:15:46.6805900,100,20\n2023-11-16 18:15:47.6805900,abc,20\n"
                + "2023-11-16 18:15:48.6805900,200,30\n");
        return Files.writeString(dir.resolve("tc.yaml"),
                "workload:\n  trace:\n    file: t.csv\n    format: azure\n    on_malformed: skip\n");
    }
}
