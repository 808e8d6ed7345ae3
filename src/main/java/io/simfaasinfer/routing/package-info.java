/**
 * Global policy: which replica serves each request, decided over a read-only view of the cluster.
 */
package io.simfaasinfer.routing;
