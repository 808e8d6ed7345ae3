/**
 * Capacity planning: from a workload, SLOs and a space of deployments to the cheapest deployment
 * that meets them. {@link io.simfaasinfer.planner.PlanRequest} is the request file;
 * {@link io.simfaasinfer.planner.CandidateSpace} enumerates the candidates (skipping inconsistent or
 * infeasible ones with a reason); {@link io.simfaasinfer.planner.Evaluator} simulates one candidate at
 * one rate and gives its verdict; {@link io.simfaasinfer.planner.CapacityPlanner} searches each
 * candidate's max sustainable QPS (bracketing and bisection, in parallel over candidate families) and
 * builds the {@link io.simfaasinfer.planner.Plan} (best, Pareto frontier, all candidates), rendered by
 * {@link io.simfaasinfer.planner.PlanReport}. See docs/capacity_planning.md.
 */
package io.simfaasinfer.planner;
