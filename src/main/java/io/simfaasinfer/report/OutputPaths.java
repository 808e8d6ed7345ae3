package io.simfaasinfer.report;

import io.simfaasinfer.spi.IoReasons;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where an output path really leads (through symbolic links) and what is there, and the one-line
 * reason of an I/O failure; pure functions of the file system, for {@link OutputSet}.
 */
final class OutputPaths {

    /** Links followed at most while resolving a path that does not exist yet (a loop ends it). */
    private static final int MAX_LINKS = 40;

    private OutputPaths() {
    }

    /** How an output is written. */
    enum Kind {
        /** A regular file, existing or new: staged in a sibling and renamed onto it. */
        FILE,
        /** A FIFO, a device or another special file: opened and written through, never replaced. */
        SPECIAL
    }

    /**
     * An output's destination.
     *
     * @param target the file written: the symbolic link's final target for a regular file (the link
     *               stays), the path as given for a special file (opening it follows the links)
     * @param key    the absolute, link-free path that identifies it for collision checks
     */
    record Target(Path target, Kind kind, Path key) {
    }

    /**
     * Classifies {@code p}.
     *
     * @throws IOException with a reason when it is a directory or a link chain cannot be resolved
     */
    static Target classify(Path p) throws IOException {
        Path abs = p.toAbsolutePath();
        if (Files.exists(abs)) {
            BasicFileAttributes a = Files.readAttributes(abs, BasicFileAttributes.class);
            if (a.isDirectory()) {
                throw new FileSystemException(p.toString(), null, "is a directory");
            }
            if (a.isRegularFile()) {
                Path real = abs.toRealPath();
                return new Target(real, Kind.FILE, real);
            }
            return new Target(abs, Kind.SPECIAL, realOr(abs));
        }
        Path resolved = followLinks(abs);
        return new Target(resolved, Kind.FILE, resolved);
    }

    /**
     * The path a new file at {@code abs} would get: dangling links followed to their target, and the
     * longest existing prefix of the folder replaced by its real path.
     */
    private static Path followLinks(Path abs) throws IOException {
        Path cur = abs.normalize();
        for (int i = 0; Files.isSymbolicLink(cur); i++) {
            if (i == MAX_LINKS) {
                throw new FileSystemException(abs.toString(), null, "too many levels of symbolic links");
            }
            cur = cur.resolveSibling(Files.readSymbolicLink(cur)).normalize();
        }
        Path dir = cur.getParent();
        Path rest = cur.getFileName();
        while (dir != null && !Files.exists(dir)) {
            rest = dir.getFileName().resolve(rest);
            dir = dir.getParent();
        }
        return dir == null ? cur : dir.toRealPath().resolve(rest);
    }

    /** The real path of {@code p}, or its normalised absolute path where it has none (a new file, a pipe). */
    static Path realOr(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException | SecurityException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** Whether {@code a} and {@code b} are one file (both existing), or have the same real path. */
    static boolean same(Path a, Path b) {
        if (realOr(a).equals(realOr(b))) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** Whether {@code p} exists without being a regular file or a directory (a FIFO, a device, a socket). */
    static boolean isSpecial(Path p) {
        return Files.exists(p) && !Files.isRegularFile(p) && !Files.isDirectory(p);
    }

    /** Why writing failed, in a few lowercase words ({@link IoReasons#ofWrite}). */
    static String reason(Throwable failure) {
        return IoReasons.ofWrite(failure);
    }
}
