/**
 * Local scheduling policies: which waiting request a replica admits next. A policy orders the
 * waiting queue ({@code fcfs}, {@code sjf}, {@code srpt}, {@code edf}) or, like {@code milp},
 * selects each iteration's admissions itself. Every batching scheduler that extends
 * {@link io.simfaasinfer.scheduler.AbstractScheduler} applies the policy named by
 * {@code scheduler.local_policy}; plug-ins register a {@link io.simfaasinfer.scheduler.local.LocalPolicyFactory}
 * through {@link java.util.ServiceLoader}.
 */
package io.simfaasinfer.scheduler.local;
