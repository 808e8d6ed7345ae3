/**
 * The request, its token accounting and lifecycle, and the observer interface through which metrics see every request event.
 */
package io.simfaasinfer.request;
