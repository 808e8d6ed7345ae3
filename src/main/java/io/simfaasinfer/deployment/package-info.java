/**
 * The deployment: one or more pools of replicas (role mixed, prefill or decode; one GPU type and
 * TP each; a scheduler, router and KV sizing of their own), each under a lifecycle (always-on, or
 * serverless in {@code serverless}) on one seam, {@link io.simfaasinfer.deployment.Lifecycle}.
 * Stages route a request through the pools: the entry stage (mixed or prefill pools: prefill
 * global + local), then, when disaggregated, the decode stage (decode global + local) after its KV
 * cache is transferred ({@code transfer}). Every router sees one kind of view,
 * {@link io.simfaasinfer.deployment.ReplicaView}, whatever the pool's lifecycle; over always-on pools
 * the entry stage's view is filled once and indexed ({@code LoadIndex}), so a router's choice costs
 * O(log n) in the replicas. A pool whose engine processes outputs a step late (vLLM V0) holds each
 * replica's first tokens and request ends for one engine step ({@code OutputLag}).
 */
package io.simfaasinfer.deployment;
