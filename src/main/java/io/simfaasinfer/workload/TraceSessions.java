package io.simfaasinfer.workload;


import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The conversations of a trace with a session column, turned into prefix-block hashes.
 *
 * <p>Rows with the same session id are the turns of one conversation, in file order. Each turn's
 * prompt begins with the previous turn's prompt and response (the chat history is resent), so a
 * turn shares with the previous one its first {@code min(previous prompt + previous response, this
 * prompt)} tokens. The conversation's content is kept as a list of segments, each named by a salt
 * drawn from a counter (deterministic): a turn that continues the whole history extends the last
 * segment; a shorter one (a truncated or edited history) cuts the segments at the shared length and
 * opens a new one. A turn's block hashes cover its prompt and its response but the last token (the
 * tokens whose KV the turn computes) and are built by {@link PrefixHashes#segmented}, the helper of
 * the synthetic sessions: the prefix cache reuses exactly the full blocks inside the shared prefix.
 *
 * <p>Memory is bounded: at most {@code maxOpen} sessions are kept, least recently used first out.
 * A later turn of an evicted session starts a new conversation (no reuse); evictions are counted
 * ({@link #evicted()}), never silent. A typical session holds one segment (12 bytes) plus its id.
 */
public final class TraceSessions {

    private static final long SALT_BASE = 0x5E55_1011_0000_0000L;

    /** One open conversation: segments {@code [ends[i-1], ends[i])} named {@code salts[i]}; the last is open. */
    private static final class Session {
        int[] ends = new int[2];
        long[] salts = new long[2];
        int n;
        /** Tokens of the history so far: the last turn's prompt plus response. */
        long length;
    }

    private final int maxOpen;
    private final Map<String, Session> open;
    private long passSalt;
    private long saltCounter;
    private long sessions;
    private long turns;
    private long sharedTokens;
    private long evicted;
    private int lastShared;

    /** @param maxOpen the most sessions kept open at once (>= 1) */
    public TraceSessions(int maxOpen) {
        if (maxOpen < 1) {
            throw new IllegalArgumentException("maxOpen must be positive, got " + maxOpen);
        }
        this.maxOpen = maxOpen;
        this.open = new LinkedHashMap<>(Math.min(maxOpen, 1 << 12), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
                if (size() > TraceSessions.this.maxOpen) {
                    evicted++;
                    return true;
                }
                return false;
            }
        };
    }

    /**
     * Forgets every open session and salts the next ones with {@code pass}: a repeated pass of the
     * trace starts its conversations afresh, sharing nothing with the previous pass.
     */
    public void newPass(int pass) {
        open.clear();
        passSalt = pass == 0 ? 0 : PrefixHashes.mix(pass);
    }

    /**
     * Records a turn of session {@code id} and returns the hashes of its first
     * {@code prompt + output - 1} tokens' full blocks.
     *
     * @param blockSize tokens per cache block; 0 to record the turn without hashes
     * @return the hashes, or null when {@code blockSize} is 0 or there is no full block
     */
    public long[] turn(String id, int prompt, int output, int blockSize) {
        turns++;
        Session s = open.get(id);
        int shared;
        if (s == null) {
            s = new Session();
            s.salts[0] = nextSalt();
            s.n = 1;
            open.put(id, s);
            sessions++;
            shared = 0;
        } else {
            shared = (int) Math.min(s.length, prompt);
            if (shared < s.length) {
                diverge(s, shared);
            }
        }
        s.length = (long) prompt + output;
        lastShared = shared;
        sharedTokens += shared;
        if (blockSize <= 0) {
            return null;
        }
        long tokens = Math.min(Integer.MAX_VALUE, (long) prompt + output - 1);
        return PrefixHashes.segmented(s.ends, s.salts, s.n, (int) tokens, blockSize);
    }

    /** Cuts the conversation at {@code shared} tokens and opens a new segment after them. */
    private void diverge(Session s, int shared) {
        if (shared == 0) {
            s.n = 1;
            s.salts[0] = nextSalt();
            return;
        }
        int j = 0;
        while (j < s.n - 1 && s.ends[j] < shared) {
            j++;
        }
        s.ends[j] = shared;
        s.n = j + 2;
        if (s.n > s.salts.length) {
            s.ends = Arrays.copyOf(s.ends, s.n * 2);
            s.salts = Arrays.copyOf(s.salts, s.n * 2);
        }
        s.salts[s.n - 1] = nextSalt();
    }

    private long nextSalt() {
        return PrefixHashes.mix((SALT_BASE + ++saltCounter) ^ passSalt);
    }

    /** Prompt tokens the last {@link #turn} shares with its session's previous turn. */
    public int lastShared() {
        return lastShared;
    }

    /** Sessions started (a session evicted and seen again counts twice). */
    public long sessions() {
        return sessions;
    }

    /** Turns recorded (rows with a session id). */
    public long turns() {
        return turns;
    }

    /** Prompt tokens shared with the previous turn of their session, over all turns. */
    public long sharedTokens() {
        return sharedTokens;
    }

    /** Sessions dropped to keep at most {@code maxOpen} open. */
    public long evicted() {
        return evicted;
    }

    /** Sessions open now. */
    public int openSessions() {
        return open.size();
    }
}
