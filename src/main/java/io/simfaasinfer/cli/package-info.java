/**
 * The simfaasinfer command line (picocli): run and catalog commands, shared config options, the files
 * a run reads (RunInputs: no output may overwrite one), bad input mapped to exit code 2, and the start-up
 * warm-up (Warmup: shared mappers and classes readied on a second core while the command line is read).
 */
package io.simfaasinfer.cli;
