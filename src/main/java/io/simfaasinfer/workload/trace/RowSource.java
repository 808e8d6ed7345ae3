package io.simfaasinfer.workload.trace;

/**
 * The valid rows of a trace, in file order, with the counts of what was skipped so far: a
 * {@link TraceReader} streaming the file, or a {@link TraceTable}'s replay of rows read before. Both
 * give the same rows and, after each row, the same counts.
 */
public interface RowSource extends AutoCloseable {

    /** The next valid row into {@code row}; false at the end of the trace. */
    boolean next(TraceRow row);

    /** The file, as named in messages. */
    String name();

    /** The format's name (e.g. {@code azure}). */
    String format();

    /** The column the session ids are read from, or null when the trace has none. */
    String sessionColumn();

    /** Malformed rows skipped so far (skip mode). */
    long malformed();

    /** Rows a format filter rejected so far. */
    long filtered();

    /** The error of the first skipped row, or null. */
    String firstMalformed();

    /** The line of the first skipped row; 0 when none was skipped. */
    long firstMalformedLine();

    /** Releases the file; never throws. */
    @Override
    void close();
}
