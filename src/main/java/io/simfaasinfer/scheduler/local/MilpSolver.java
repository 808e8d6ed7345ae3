package io.simfaasinfer.scheduler.local;

/**
 * Solves step 1 of a {@link MilpProblem}. The {@code milp} policy admits an {@link Outcome#OPTIMAL}
 * or {@link Outcome#INCUMBENT} selection, falls back to a greedy EDF fill on {@link Outcome#NONE},
 * and to plain EDF when the solver throws.
 */
@FunctionalInterface
public interface MilpSolver {

    /** How a solve ended. */
    enum Outcome {
        /** {@code chosen} holds a proven optimal selection. */
        OPTIMAL,
        /** The work budget (or the opt-in time limit) ran out; {@code chosen} holds the best valid selection found. */
        INCUMBENT,
        /** No valid selection came back (the limit ran out before one was found, or the solver failed). */
        NONE
    }

    /**
     * @param p      the instance
     * @param chosen receives z: true for the candidates admitted to meet their deadline (first
     *               {@code p.size()} entries; false for every candidate that cannot meet it alone);
     *               meaningful unless the outcome is {@link Outcome#NONE}
     * @return how the solve ended
     */
    Outcome solve(MilpProblem p, boolean[] chosen);
}
