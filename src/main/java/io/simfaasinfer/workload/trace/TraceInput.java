package io.simfaasinfer.workload.trace;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.LineNumberReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The bytes of one trace. A regular file is reopened for each pass; anything else (a FIFO, a
 * process substitution {@code <(...)}, i.e. {@code /dev/fd/N}) can be read only once, so it is read
 * into memory when this is made and every pass reads that copy.
 *
 * <p>{@link #open} reads the first bytes through a buffer, never by reopening or seeking: gzip is
 * recognised by its magic bytes (whatever the file's name) and decompressed; a UTF-8 byte-order
 * mark is dropped; other compressions and binary data (a NUL byte or invalid UTF-8 in the first
 * {@value #PEEK} bytes) are refused with one line; the first non-blank line is kept for format
 * detection.
 */
public final class TraceInput {

    /** Bytes examined before reading: the first line must start within them. */
    static final int PEEK = 1 << 16;

    private final Path file;
    /** The whole stream, for a file that is not a regular file; null otherwise. */
    private final byte[] spooled;

    private TraceInput(Path file, byte[] spooled) {
        this.file = file;
        this.spooled = spooled;
    }

    /** A trace's text, positioned at its start (after any byte-order mark). */
    record Text(LineNumberReader reader, String firstLine) {
    }

    /** The trace {@code file}: checked to exist; read into memory now unless it is a regular file. */
    public static TraceInput of(Path file) {
        if (Files.isDirectory(file)) {
            throw new TraceException(file + ": is a directory; expected a trace file");
        }
        if (!Files.exists(file)) {
            throw new TraceException(TraceReader.notFound(file));
        }
        if (Files.isRegularFile(file)) {
            return new TraceInput(file, null);
        }
        try (InputStream in = Files.newInputStream(file)) {
            return new TraceInput(file, in.readAllBytes());
        } catch (IOException e) {
            throw new TraceException(file + ": cannot read trace (" + TraceReader.why(e) + ")");
        }
    }

    Path file() {
        return file;
    }

    /** Opens the trace as UTF-8 text; refuses empty, binary and non-gzip compressed files. */
    Text open() {
        InputStream raw = null;
        try {
            raw = spooled != null ? new ByteArrayInputStream(spooled) : Files.newInputStream(file);
            BufferedInputStream in = new BufferedInputStream(raw, PEEK);
            byte[] head = peek(in, 6);
            if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
                in = new BufferedInputStream(new GZIPInputStream(in, PEEK), PEEK);
            } else {
                refuseCompressed(head);
            }
            byte[] start = peek(in, PEEK);
            int skip = start.length >= 3 && (start[0] & 0xff) == 0xef && (start[1] & 0xff) == 0xbb
                    && (start[2] & 0xff) == 0xbf ? 3 : 0;
            in.skipNBytes(skip);
            String first = firstLine(start, skip);
            return new Text(new LineNumberReader(new InputStreamReader(in, StandardCharsets.UTF_8), PEEK), first);
        } catch (NoSuchFileException e) {
            close(raw);
            throw new TraceException(TraceReader.notFound(file));
        } catch (IOException e) {
            close(raw);
            throw new TraceException(file + ": cannot read trace (" + TraceReader.why(e) + ")");
        } catch (TraceException e) {
            close(raw);
            throw e;
        }
    }

    /** Up to {@code n} bytes from the start of {@code in}, which is left where it was. */
    private static byte[] peek(BufferedInputStream in, int n) throws IOException {
        in.mark(n);
        byte[] b = in.readNBytes(n);
        in.reset();
        return b;
    }

    private void refuseCompressed(byte[] h) {
        String kind = null;
        if (h.length >= 4 && (h[0] & 0xff) == 0x28 && (h[1] & 0xff) == 0xb5 && (h[2] & 0xff) == 0x2f
                && (h[3] & 0xff) == 0xfd) {
            kind = "zstd";
        } else if (h.length >= 6 && (h[0] & 0xff) == 0xfd && h[1] == '7' && h[2] == 'z' && h[3] == 'X' && h[4] == 'Z') {
            kind = "xz";
        } else if (h.length >= 3 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h') {
            kind = "bzip2";
        } else if (h.length >= 4 && h[0] == 'P' && h[1] == 'K' && h[2] == 3 && h[3] == 4) {
            kind = "zip";
        }
        if (kind != null) {
            throw new TraceException(file + ": " + kind + "-compressed trace is not supported; decompress it"
                    + " (gzip is read directly)");
        }
    }

    /** The first non-blank line of the peeked bytes; refuses an empty file and binary data. */
    private String firstLine(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                throw new TraceException(file + ": not a text trace (binary data: a NUL byte at byte " + i
                        + "); expected CSV or JSON text, UTF-8 (gzip is decompressed)");
            }
        }
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.wrap(b, from, b.length - from);
        CharBuffer chars = CharBuffer.allocate(b.length);
        CoderResult r = dec.decode(bytes, chars, b.length < PEEK); // a full peek may end inside a character
        if (r.isError()) {
            throw new TraceException(file + ": not a text trace (invalid UTF-8 at byte " + bytes.position()
                    + "); expected CSV or JSON text, UTF-8 (gzip is decompressed)");
        }
        chars.flip();
        String s = chars.toString();
        for (String line : s.split("\r\n|\n|\r", -1)) {
            if (!line.isBlank()) {
                return line;
            }
        }
        throw new TraceException(file + ": empty trace file" + (s.isEmpty() ? "" : " (only blank lines)")
                + "; expected a CSV header line or JSON request objects");
    }

    private static void close(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one reported
            }
        }
    }
}
