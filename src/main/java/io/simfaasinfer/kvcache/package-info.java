/**
 * Paged KV-cache accounting: block capacity derived from GPU memory, allocation, growth and release.
 */
package io.simfaasinfer.kvcache;
