/**
 * Local scheduling policies: which waiting request a replica admits next. A policy orders the
 * waiting queue ({@code fcfs}, {@code sjf}, {@code srpt}, {@code edf}) or, like {@code milp},
 * selects each iteration's admissions itself. Every batching scheduler of the scheduler package
 * above applies the policy named by {@code scheduler.local_policy}; a policy is built from a
 * {@link io.simfaasinfer.scheduler.local.PolicyContext} and sees no scheduler state. Plug-ins
 * register a {@link io.simfaasinfer.scheduler.local.LocalPolicyFactory} through
 * {@link java.util.ServiceLoader}.
 */
package io.simfaasinfer.scheduler.local;
