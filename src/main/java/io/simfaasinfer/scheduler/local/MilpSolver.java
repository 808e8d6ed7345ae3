package io.simfaasinfer.scheduler.local;

/** Solves step 1 of a {@link MilpProblem}; the {@code milp} policy falls back to EDF when it returns false or throws. */
@FunctionalInterface
public interface MilpSolver {

    /**
     * @param p      the instance
     * @param chosen receives z: true for the candidates admitted to meet their deadline (first
     *               {@code p.size()} entries; false for every candidate that cannot meet it alone)
     * @return true if {@code chosen} holds an optimal selection; false on failure or time-out
     */
    boolean solve(MilpProblem p, boolean[] chosen);
}
