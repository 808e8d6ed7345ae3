/**
 * Global policy: which replica serves each request, decided over a read-only view of the replicas it may choose (the entry stage's, or the decode stage's).
 */
package io.simfaasinfer.routing;
