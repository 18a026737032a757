package org.gridpacs.replication.store;

/**
 * How copies are streamed to peers while an instance is stored.
 *
 * @param enabled        false: the copy is pushed after the local store, as a whole file
 * @param chunksInFlight at most this many 64 KiB chunks wait for a peer per copy (memory bound)
 * @param stallMillis    the storing thread waits at most this long in all for a slow peer, then streaming gives up
 *                       and the copy is pushed after the store
 * @param answerMillis   after the local store, how long to wait for a peer's answer
 */
public record StreamingSettings(boolean enabled, int chunksInFlight, long stallMillis, long answerMillis) {

    public static final StreamingSettings DEFAULT = new StreamingSettings(true, 32, 2000, 60_000);

    public static final StreamingSettings OFF = new StreamingSettings(false, 32, 2000, 60_000);
}
