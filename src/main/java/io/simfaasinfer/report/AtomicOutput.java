package io.simfaasinfer.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An output file written to a temporary sibling and moved into place only on {@link #commit()},
 * so a failed run never leaves a partial file behind. A file staged by an {@link OutputSet} is
 * already private to this run: it is written in place, and the set moves it.
 */
public final class AtomicOutput implements AutoCloseable {

    private final Path target;
    private final Path temp;
    private boolean committed;

    public AtomicOutput(Path target) {
        this.target = target.toAbsolutePath();
        if (OutputSet.isStaged(this.target) && Files.isRegularFile(this.target)) {
            this.temp = this.target;
            return;
        }
        Path dir = this.target.getParent();
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
            this.temp = createSibling(this.target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * A new empty hidden sibling of {@code target}. Created with {@link Files#createFile} rather than
     * {@link Files#createTempFile}, so the result gets the usual permissions (umask), not owner-only.
     */
    private static Path createSibling(Path target) throws IOException {
        String prefix = "." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Thread.currentThread().getId() + ".";
        for (int i = 0; ; i++) {
            try {
                return Files.createFile(target.resolveSibling(prefix + i + ".tmp"));
            } catch (FileAlreadyExistsException taken) {
                // left behind by a killed run, or another writer in this thread: try the next name
            }
        }
    }

    /** Where to write until {@link #commit()}. */
    public Path temp() {
        return temp;
    }

    /**
     * A buffered writer on the temporary file with {@code firstLine} (a header) written; if that
     * fails, the temporary file is removed and the error names {@code shownAs}.
     */
    public java.io.BufferedWriter openWriter(String firstLine, Path shownAs) {
        try {
            java.io.BufferedWriter w = Files.newBufferedWriter(temp);
            w.write(firstLine);
            w.newLine();
            return w;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot write " + shownAs + ": " + e.getMessage(), e);
        }
    }

    public Path target() {
        return target;
    }

    public void commit() {
        if (temp.equals(target)) {
            committed = true;
            return;
        }
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the temporary file unless committed (a staged file is left to its OutputSet). */
    @Override
    public void close() {
        if (!committed && !temp.equals(target)) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // best effort: nothing else to do with a temp file we cannot delete
            }
        }
    }
}
