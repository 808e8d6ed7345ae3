/**
 * The discrete-event core: immutable events, the future event list ordered by (time, phase, sequence), the integer-nanosecond clock, and per-simulation random streams.
 */
package io.simfaasinfer.engine;
