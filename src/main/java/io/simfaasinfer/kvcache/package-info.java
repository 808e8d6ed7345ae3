/**
 * Paged KV-cache accounting: block capacity derived from GPU memory, allocation, growth and release,
 * and automatic prefix caching (shared, reference-counted prompt blocks kept cached and evicted LRU).
 */
package io.simfaasinfer.kvcache;
