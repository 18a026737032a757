package org.gridpacs.replication.membership;

import java.io.IOException;
import java.io.InputStream;

/**
 * A cluster member in its own JVM, for the crash test: {@code MemberMain NAME MEMBERS} prints "READY ms" when
 * it has joined, then "JOINED node" / "LEFT node" per event, and leaves when its stdin closes.
 */
public final class MemberMain {
    public static void main(String[] args) throws IOException {
        long t0 = System.nanoTime();
        HazelcastMembership m = HazelcastMembership.start(Clusters.config(args[0], Clusters.parse(args[1])));
        m.addListener(new MembershipListener() {
            @Override
            public void memberJoined(String node) {
                System.out.println("JOINED " + node);
            }

            @Override
            public void memberLeft(String node) {
                System.out.println("LEFT " + node);
            }
        });
        System.out.println("READY " + (System.nanoTime() - t0) / 1_000_000 + " " + String.join(",", m.liveNodes()));
        System.out.flush();
        try (InputStream in = System.in) {
            while (in.read() >= 0) {
                // wait for the parent to close our stdin
            }
        }
        m.close();
    }
}
