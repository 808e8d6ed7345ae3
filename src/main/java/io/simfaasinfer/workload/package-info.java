/**
 * Where requests come from: arrival processes, token-length distributions and request sources pulled one request at a time.
 */
package io.simfaasinfer.workload;
