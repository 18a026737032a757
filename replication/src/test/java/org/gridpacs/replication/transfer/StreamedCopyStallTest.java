package org.gridpacs.replication.transfer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.gridpacs.replication.config.ClusterNode;
import org.junit.jupiter.api.Test;

/**
 * A peer that accepts a streamed copy and then stops reading (hung, or cut off by a partition) holds the storing
 * thread for the stall limit at most: the watch cuts the connection, the remaining writes return at once, and the
 * copy ends with an error that says why (its owner then pushes the copy after the store).
 */
class StreamedCopyStallTest {

    @Test
    void aPeerThatStopsReadingIsCutOffAfterTheStallLimit() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Socket[] accepted = new Socket[1];
            Thread acceptor = new Thread(() -> {
                try {
                    accepted[0] = server.accept(); // and never read
                } catch (IOException e) {
                    // the test is over
                }
            });
            acceptor.start();
            ClusterNode peer = new ClusterNode("node2", "127.0.0.1", 1, 2, 3, server.getLocalPort());
            StreamedCopy copy = new PeerClient(null).startStreamedCopy(peer, "node1", "MODALITY", 300);

            byte[] chunk = new byte[64 * 1024];
            long start = System.nanoTime();
            for (int i = 0; i < 64 * 16; i++) { // 64 MiB: far more than the socket buffers take
                copy.write(chunk, 0, chunk.length);
            }
            copy.close();
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertTrue(millis < 3000, "the writes held the storing thread " + millis + " ms, the limit is 300 ms");
            IOException e = assertThrows(IOException.class, () -> copy.answer(1000));
            assertTrue(e.getMessage().contains("did not take the data"), e.getMessage());
            acceptor.join(1000);
            if (accepted[0] != null) {
                accepted[0].close();
            }
        }
    }

    @Test
    void aPeerThatIsNotThereFailsAtOnce() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ClusterNode peer = new ClusterNode("node2", "127.0.0.1", 1, 2, 3, port);
        IOException e = assertThrows(IOException.class,
                () -> new PeerClient(null).startStreamedCopy(peer, "node1", null, 300));
        assertTrue(e.getMessage().contains("node2"), e.getMessage());
    }
}
