package io.simfaasinfer.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Every output file of one run, committed together or not at all.
 *
 * <p>A command registers each output (flag and path) with {@link #add} before it starts working, so
 * a bad path fails fast: an output that is an input of the run, two outputs on one path, a directory,
 * a parent that is not a directory or cannot be written are refused with one line naming the flag.
 * Each output gets an empty staged file to write: a hidden sibling of a regular file (of the final
 * target of a symbolic link, so the link stays a link), or a private temporary file for a FIFO or a
 * device, which is never replaced: {@link #commitAll} renames the siblings into place and writes the
 * staged bytes through the special files. Until then nothing the user named changes; {@link #close}
 * without a commit, or a JVM shutdown (SIGINT, SIGTERM) before it, deletes the staged files and the
 * folders this set created.
 *
 * <p>Writers that take a path and write it through {@link AtomicOutput} can be handed a staged path
 * as is: AtomicOutput recognises it ({@link #isStaged}) and writes it directly.
 */
public final class OutputSet implements AutoCloseable {

    /** An input file of the run, described as in messages, e.g. "config (--config)". */
    public record Input(String label, Path path) {
    }

    private static final String STAGE_SUFFIX = ".stage.tmp";

    private static final class Entry {
        final String flag;
        final Path given;
        final OutputPaths.Target target;
        final Path staged;
        volatile boolean committed;

        Entry(String flag, Path given, OutputPaths.Target target, Path staged) {
            this.flag = flag;
            this.given = given;
            this.target = target;
            this.staged = staged;
        }
    }

    private final List<Input> inputs;
    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final List<Path> createdDirs = new CopyOnWriteArrayList<>();
    private final Thread hook = new Thread(this::discard, "simfaasinfer-output-cleanup");
    private boolean hookAdded;
    private volatile boolean done;

    /** @param inputs the files the run reads; none of them may be an output */
    public OutputSet(List<Input> inputs) {
        this.inputs = List.copyOf(inputs);
    }

    /** A set with no inputs to protect. */
    public OutputSet() {
        this(List.of());
    }

    /** Whether {@code p} is a file staged by an OutputSet (a writer may write it in place). */
    public static boolean isStaged(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".") && name.toString().endsWith(STAGE_SUFFIX);
    }

    /**
     * Registers the output of {@code flag} at {@code path} and returns the staged file to write it to
     * (null when {@code path} is null: the output was not asked for).
     *
     * @throws OutputException naming the flag, the path and the reason it cannot be written
     */
    public synchronized Path add(String flag, Path path) {
        if (path == null) {
            return null;
        }
        OutputPaths.Target t = check(flag, path);
        if (t.kind() == OutputPaths.Kind.FILE && Files.exists(t.target()) && !Files.isWritable(t.target())) {
            throw fail(flag, path, "permission denied (the file is read-only)");
        }
        Path staged;
        try {
            staged = t.kind() == OutputPaths.Kind.SPECIAL
                    ? Files.createTempFile("." + safe(t.target().getFileName()) + ".", STAGE_SUFFIX)
                    : stageBeside(t.target());
        } catch (IOException e) {
            throw fail(flag, path, OutputPaths.reason(e));
        }
        entries.add(new Entry(flag, path, t, staged));
        if (!hookAdded) {
            Runtime.getRuntime().addShutdownHook(hook);
            hookAdded = true;
        }
        return staged;
    }

    /**
     * Checks a file that {@code flag} writes in place (a database that grows as the run goes) as
     * {@link #add} checks an output: not an input, not another output's path, not a directory.
     */
    public synchronized void checkInPlace(String flag, Path path) {
        if (path != null) {
            check(flag, path);
        }
    }

    private OutputPaths.Target check(String flag, Path path) {
        if (done) {
            throw new IllegalStateException("outputs already committed");
        }
        OutputPaths.Target t;
        try {
            t = OutputPaths.classify(path);
        } catch (IOException e) {
            throw fail(flag, path, OutputPaths.reason(e));
        }
        for (Input in : inputs) {
            if (in.path() != null && (OutputPaths.same(in.path(), t.key()) || OutputPaths.same(in.path(), path))) {
                throw new OutputException(flag + " " + path + ": is the " + in.label()
                        + " of this run; refusing to overwrite an input (give the output another path)");
            }
        }
        for (Entry e : entries) {
            if (e.target.key().equals(t.key()) || OutputPaths.same(e.given, path)) {
                throw new OutputException(flag + " " + path + " and " + e.flag + " " + e.given
                        + " name the same file; give each output its own path");
            }
        }
        return t;
    }

    /**
     * Registers the files {@code names} in folder {@code dir} (created if missing) as outputs of
     * {@code flag}; returns the staged file of each name (null for every name when {@code dir} is null).
     */
    public synchronized Function<String, Path> addDir(String flag, Path dir, List<String> names) {
        if (dir == null) {
            return name -> null;
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw fail(flag, dir, "not a directory");
        }
        Map<String, Path> staged = new LinkedHashMap<>();
        for (String n : names) {
            staged.put(n, add(flag, dir.resolve(n)));
        }
        return staged::get;
    }

    /**
     * Moves every staged file into place (writes it through, for a special file), in the order
     * registered. Call once, after the run succeeded.
     *
     * @throws OutputException naming the output that could not be written and why
     */
    public synchronized void commitAll() {
        for (Entry e : entries) {
            try {
                if (e.target.kind() == OutputPaths.Kind.SPECIAL) {
                    try (OutputStream out = Files.newOutputStream(e.target.target(), StandardOpenOption.WRITE)) {
                        Files.copy(e.staged, out);
                    }
                    Files.deleteIfExists(e.staged);
                } else {
                    keepPermissions(e.target.target(), e.staged);
                    Files.move(e.staged, e.target.target(), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                }
                e.committed = true;
            } catch (IOException ex) {
                throw fail(e.flag, e.given, OutputPaths.reason(ex));
            }
        }
        done = true;
        removeHook();
    }

    /**
     * {@code failure} as an {@link OutputException} naming the output and the reason, when its
     * message names one of this set's staged files (a writer failed: disk full...); else unchanged.
     */
    public RuntimeException explain(RuntimeException failure) {
        String m = String.valueOf(failure.getMessage());
        for (Entry e : entries) {
            if (m.contains(e.staged.toString())) {
                return fail(e.flag, e.given, OutputPaths.reason(failure));
            }
        }
        return failure;
    }

    /** Deletes what is not committed: the staged files and the folders this set created. */
    @Override
    public synchronized void close() {
        if (!done) {
            discard();
            done = true;
        }
        removeHook();
    }

    /** Not synchronized: the shutdown hook must not wait for a commit blocked on a FIFO. */
    private void discard() {
        for (Entry e : entries) {
            if (!e.committed) {
                try {
                    Files.deleteIfExists(e.staged);
                } catch (IOException ignored) {
                    // best effort: nothing more to do about a file we cannot delete
                }
            }
        }
        List<Path> dirs = new ArrayList<>(createdDirs);
        for (int i = dirs.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(dirs.get(i));
            } catch (DirectoryNotEmptyException kept) {
                // something else was written there meanwhile: keep it
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    private void removeHook() {
        if (hookAdded) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
            hookAdded = false;
        }
    }

    /** An empty hidden sibling of {@code target}, its missing folders created (and recorded). */
    private Path stageBeside(Path target) throws IOException {
        Path dir = target.getParent();
        List<Path> missing = new ArrayList<>();
        for (Path d = dir; d != null && !Files.exists(d); d = d.getParent()) {
            missing.add(0, d);
        }
        Path existing = missing.isEmpty() ? dir : missing.get(0).getParent();
        if (existing != null && !Files.isDirectory(existing)) {
            throw new IOException("not a directory: " + existing);
        }
        for (Path d : missing) {
            Files.createDirectory(d);
            createdDirs.add(d);
        }
        String prefix = "." + target.getFileName() + "." + ProcessHandle.current().pid() + ".";
        for (int i = 0; ; i++) {
            try {
                return Files.createFile(target.resolveSibling(prefix + i + STAGE_SUFFIX));
            } catch (FileAlreadyExistsException taken) {
                // another output of this process, or left by a killed run: try the next name
            }
        }
    }

    /** Gives the new file the mode of the one it replaces (best effort). */
    private static void keepPermissions(Path target, Path staged) {
        try {
            if (Files.isRegularFile(target)) {
                Files.setPosixFilePermissions(staged, Files.getPosixFilePermissions(target));
            }
        } catch (IOException | UnsupportedOperationException | SecurityException ignored) {
            // the umask's mode then
        }
    }

    private static String safe(Path name) {
        return name == null ? "output" : name.toString().replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static OutputException fail(String flag, Path path, String reason) {
        return new OutputException(flag + " " + path + ": " + reason);
    }
}
