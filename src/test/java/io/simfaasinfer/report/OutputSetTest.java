package io.simfaasinfer.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class OutputSetTest {

    @TempDir
    Path dir;

    private List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void nothingAppearsUntilCommitAndEverythingAtOnce() throws IOException {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("sub/deeper/b.csv");
        try (OutputSet out = new OutputSet()) {
            Path sa = out.add("--output", a);
            Path sb = out.add("--requests-out", b);
            assertThat(OutputSet.isStaged(sa)).isTrue();
            Files.writeString(sa, "A");
            Files.writeString(sb, "B");
            assertThat(a).doesNotExist();
            assertThat(b).doesNotExist();
            out.commitAll();
        }
        assertThat(a).hasContent("A");
        assertThat(b).hasContent("B");
        assertThat(names(dir)).containsExactly("a.json", "sub");
        assertThat(names(b.getParent())).containsExactly("b.csv");
    }

    @Test
    void withoutCommitNothingIsLeftNotEvenTheFoldersItCreated() throws IOException {
        Files.writeString(dir.resolve("a.json"), "old");
        try (OutputSet out = new OutputSet()) {
            Files.writeString(out.add("--output", dir.resolve("a.json")), "new, half written");
            out.add("--requests-out", dir.resolve("new/dir/b.csv"));
            out.addDir("--plots-dir", dir.resolve("plots"), List.of("x.png", "y.png"));
        }
        assertThat(names(dir)).containsExactly("a.json");
        assertThat(dir.resolve("a.json")).hasContent("old");
    }

    @Test
    void aWriterThroughAtomicOutputWritesTheStagedFileInPlace() throws IOException {
        try (OutputSet out = new OutputSet()) {
            Path staged = out.add("--output", dir.resolve("r.json"));
            JsonReport.writeObject(java.util.Map.of("k", 1), staged);
            assertThat(names(dir)).hasSize(1); // only the staged file: no temporary of the temporary
            out.commitAll();
        }
        assertThat(names(dir)).containsExactly("r.json");
        assertThat(dir.resolve("r.json")).content().contains("\"k\" : 1");
    }

    @Test
    void anInputIsRefusedAndUntouched() throws IOException {
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "x: 1\n");
        try (OutputSet out = new OutputSet(List.of(new OutputSet.Input("config (--config)", cfg)))) {
            assertThatThrownBy(() -> out.add("--output", dir.resolve("./c.yaml")))
                    .isInstanceOf(OutputException.class)
                    .hasMessage("--output " + dir.resolve("./c.yaml") + ": is the config (--config) of this run;"
                            + " refusing to overwrite an input (give the output another path)");
        }
        assertThat(cfg).hasContent("x: 1");
        assertThat(names(dir)).containsExactly("c.yaml");
    }

    @Test
    void anInputReachedThroughALinkOrAHardLinkIsRefused() throws IOException {
        Path cfg = dir.resolve("c.yaml");
        Files.writeString(cfg, "x: 1\n");
        Files.createSymbolicLink(dir.resolve("link.yaml"), cfg);
        Files.createLink(dir.resolve("hard.yaml"), cfg);
        try (OutputSet out = new OutputSet(List.of(new OutputSet.Input("config (--config)", cfg)))) {
            assertThatThrownBy(() -> out.add("--output", dir.resolve("link.yaml"))).hasMessageContaining("config");
            assertThatThrownBy(() -> out.add("--output", dir.resolve("hard.yaml"))).hasMessageContaining("config");
        }
        assertThat(cfg).hasContent("x: 1");
    }

    @Test
    void twoOutputsOnOnePathAreRefusedNamingBoth() {
        try (OutputSet out = new OutputSet()) {
            out.add("--output", dir.resolve("same"));
            assertThatThrownBy(() -> out.add("--requests-out", dir.resolve("x/../same")))
                    .isInstanceOf(OutputException.class)
                    .hasMessageContaining("--requests-out").hasMessageContaining("--output")
                    .hasMessageContaining("name the same file");
        }
    }

    @Test
    void aSymlinkIsWrittenAtItsTargetAndStaysALink() throws IOException {
        Path target = dir.resolve("real/target.json");
        Files.createDirectories(target.getParent());
        Files.writeString(target, "old");
        Path link = dir.resolve("link.json");
        Files.createSymbolicLink(link, Path.of("real/target.json"));
        Path dangling = dir.resolve("dangling.json");
        Files.createSymbolicLink(dangling, Path.of("real/new.json"));
        try (OutputSet out = new OutputSet()) {
            Files.writeString(out.add("--output", link), "new");
            Files.writeString(out.add("--requests-out", dangling), "created");
            out.commitAll();
        }
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.isSymbolicLink(dangling)).isTrue();
        assertThat(target).hasContent("new");
        assertThat(dir.resolve("real/new.json")).hasContent("created");
        assertThat(names(target.getParent())).containsExactly("new.json", "target.json");
    }

    @Test
    void aFifoIsWrittenThroughAndStaysAFifo() throws Exception {
        Path fifo = dir.resolve("pipe");
        assumeTrue(mkfifo(fifo), "mkfifo unavailable");
        CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readString(fifo);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try (OutputSet out = new OutputSet()) {
            Files.writeString(out.add("--requests-out", fifo), "through the pipe\n");
            out.commitAll();
        }
        assertThat(read.get(20, TimeUnit.SECONDS)).isEqualTo("through the pipe\n");
        assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.readAttributes(fifo, "unix:mode", LinkOption.NOFOLLOW_LINKS).get("mode"))
                .satisfies(m -> assertThat(((Integer) m) & 0170000).isEqualTo(0010000)); // S_IFIFO
        assertThat(names(dir)).containsExactly("pipe");
    }

    @Test
    void aDirectoryOrAFileAsParentIsRefusedWithTheReason() throws IOException {
        Files.writeString(dir.resolve("file"), "");
        Files.createDirectory(dir.resolve("folder"));
        try (OutputSet out = new OutputSet()) {
            assertThatThrownBy(() -> out.add("--output", dir.resolve("file/r.json")))
                    .isInstanceOf(OutputException.class).hasMessageContaining("not a directory");
            assertThatThrownBy(() -> out.add("--output", dir.resolve("folder")))
                    .isInstanceOf(OutputException.class).hasMessageEndingWith(": is a directory");
            assertThatThrownBy(() -> out.addDir("--plots-dir", dir.resolve("file"), List.of("a.png")))
                    .hasMessage("--plots-dir " + dir.resolve("file") + ": not a directory");
        }
        assertThat(names(dir)).containsExactly("file", "folder");
    }

    @Test
    void anUnwritableFolderIsRefusedAsPermissionDenied() throws IOException {
        Path ro = dir.resolve("ro");
        Files.createDirectory(ro, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r-xr-xr-x")));
        assumeTrue(!Files.isWritable(ro), "running as root: permissions are not enforced");
        try (OutputSet out = new OutputSet()) {
            assertThatThrownBy(() -> out.add("--output", ro.resolve("r.json")))
                    .hasMessage("--output " + ro.resolve("r.json") + ": permission denied");
        }
    }

    @Test
    void aWriteFailureIsExplainedByItsOutputAndReason() {
        try (OutputSet out = new OutputSet()) {
            Path staged = out.add("--timeseries-out", dir.resolve("ts.csv"));
            RuntimeException e = out.explain(new UncheckedIOException("cannot write " + staged + ": No space left on device",
                    new IOException("No space left on device")));
            assertThat(e).isInstanceOf(OutputException.class)
                    .hasMessage("--timeseries-out " + dir.resolve("ts.csv") + ": no space left on device");
            RuntimeException other = new UncheckedIOException("cannot read x", new IOException("x"));
            assertThat(out.explain(other)).isSameAs(other);
        }
    }

    static boolean mkfifo(Path p) {
        try {
            Process pr = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
            return pr.waitFor(10, TimeUnit.SECONDS) && pr.exitValue() == 0 && Files.exists(p);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void stagedNamesAreRecognised() {
        assertThat(OutputSet.isStaged(Path.of("/x/.r.json.12.0.stage.tmp"))).isTrue();
        assertThat(OutputSet.isStaged(Path.of("/x/r.json"))).isFalse();
    }
}
