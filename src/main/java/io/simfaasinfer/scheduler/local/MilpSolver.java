package io.simfaasinfer.scheduler.local;

/** Solves a {@link MilpProblem}; the {@code milp} policy falls back to EDF when it returns false or throws. */
@FunctionalInterface
public interface MilpSolver {

    /**
     * @param p      the instance
     * @param chosen receives x (first {@code p.size()} entries)
     * @return true if {@code chosen} holds an optimal selection; false on failure or time-out
     */
    boolean solve(MilpProblem p, boolean[] chosen);
}
