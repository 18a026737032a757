package org.gridpacs.replication.store;

/**
 * How copies are streamed to peers while an instance is stored.
 *
 * @param enabled      false: the copy is pushed after the local store, as a whole file
 * @param stallMillis  the storing thread's writes to a peer may block this long in all (a peer that stopped
 *                     reading), then the copy is cut off and pushed after the store
 * @param answerMillis after the local store, how long to wait for a peer's answer
 */
public record StreamingSettings(boolean enabled, long stallMillis, long answerMillis) {

    public static final StreamingSettings DEFAULT = new StreamingSettings(true, 2000, 60_000);

    public static final StreamingSettings OFF = new StreamingSettings(false, 2000, 60_000);
}
