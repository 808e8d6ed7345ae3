/**
 * KV-cache transfer between a prefill and a decode replica in disaggregated serving: the byte count
 * of a request's prompt KV ({@link io.simfaasinfer.transfer.KvTransferModel}), links whose bandwidth
 * concurrent transfers share fairly ({@link io.simfaasinfer.transfer.SharedLink}, processor sharing),
 * and the transfer statistics of a run ({@link io.simfaasinfer.transfer.TransferStats}).
 */
package io.simfaasinfer.transfer;
