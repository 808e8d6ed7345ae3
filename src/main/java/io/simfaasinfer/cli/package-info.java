/**
 * The simfaasinfer command line (picocli): run and catalog commands, shared config options, bad input mapped to exit code 2.
 */
package io.simfaasinfer.cli;
