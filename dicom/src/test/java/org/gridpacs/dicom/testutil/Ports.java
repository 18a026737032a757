package org.gridpacs.dicom.testutil;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * TCP ports for tests, on the loopback interface: free ones (free when asked: the caller binds them soon after),
 * free ones from a fixed range (for services whose ports must be known in advance, as Hazelcast members), and
 * waiting until something listens. Every module's tests use these (dicom's test-jar).
 */
public final class Ports {
    public static final String HOST = "127.0.0.1";

    private Ports() {
    }

    /** A free TCP port on the loopback interface. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A free loopback port that is not in {@code avoid} (e.g. the product's default ports) and not already in
     * {@code taken}, to which it is added: several ports handed out before any is bound are all different. It is
     * below the kernel's ephemeral range (32768-60999), so that no outgoing connection (a health check, a peer
     * reconnecting) is given it before its listener binds it, however long that takes (a JVM starting, a node
     * restarted after a kill).
     */
    public static int freePort(Set<Integer> taken, Set<Integer> avoid) throws IOException {
        for (int i = 0; i < 1000; i++) {
            int port = LISTEN_FROM + ThreadLocalRandom.current().nextInt(LISTEN_SIZE);
            if (!avoid.contains(port) && !taken.contains(port) && isFree(port)) {
                taken.add(port);
                return port;
            }
        }
        throw new IOException("no free port found in " + LISTEN_FROM + "-" + (LISTEN_FROM + LISTEN_SIZE - 1));
    }

    /** A free port for a listener bound later: as {@link #freePort(Set, Set)}. */
    public static int freeListenPort() throws IOException {
        return freePort(new java.util.HashSet<>(), Set.of());
    }

    /** Ports handed out for listeners bound later: below the ephemeral range, above the fixed ranges tests use. */
    private static final int LISTEN_FROM = 20_000;
    private static final int LISTEN_SIZE = 12_000;

    /** Whether {@code port} can be bound on the loopback interface right now. */
    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * {@code n} ports of {@code from .. from + size - 1} that are free right now, starting at a random place of the
     * range (two test JVMs asking at once seldom get the same ones); fails if fewer are free.
     */
    public static List<Integer> freePortsInRange(int from, int size, int n) throws IOException {
        List<Integer> out = new ArrayList<>();
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0; i < size && out.size() < n; i++) {
            int port = from + (start + i) % size;
            if (isFree(port)) {
                out.add(port);
            }
        }
        if (out.size() < n) {
            throw new IOException("fewer than " + n + " free ports in " + from + "-" + (from + size - 1));
        }
        return out;
    }

    /**
     * Waits until something accepts TCP connections on the loopback {@code port}, failing early if {@code p} (may be
     * null) exits, and with "nothing listening after ... ms" when the time is up.
     */
    public static void awaitPort(Process p, int port, long timeoutMs) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            if (p != null && !p.isAlive()) {
                throw new IOException("the process exited with code " + p.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 500);
                return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("nothing listening on port " + port + " after " + timeoutMs + " ms");
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
    }
}
