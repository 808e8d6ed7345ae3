/**
 * The simfaasinfer command line (picocli): run and catalog commands, shared config options, the files
 * a run reads (RunInputs: no output may overwrite one), bad input mapped to exit code 2.
 */
package io.simfaasinfer.cli;
