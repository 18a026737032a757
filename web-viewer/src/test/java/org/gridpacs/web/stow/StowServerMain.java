package org.gridpacs.web.stow;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.gridpacs.web.WebTestServer;

/**
 * A {@link WebTestServer} in a JVM of its own (started by a test with a small heap): prints "PORT n", then answers
 * "count" on its standard input with "COUNT n" (instances in the index) and "heap" with "HEAP n" (the peak heap
 * use, MiB); ends at the end of its input.
 */
public final class StowServerMain {
    private StowServerMain() {
    }

    public static void main(String[] args) throws Exception {
        // standard output carries the answers alone: everything else printed (logging) goes to standard error,
        // which the test inherits, so that no line waits in a pipe nobody reads while the upload runs
        java.io.PrintStream answers = System.out;
        System.setOut(System.err);
        try (WebTestServer s = new WebTestServer(Path.of(args[0]))) {
            answers.println("PORT " + Integer.parseInt(s.origin().substring(s.origin().lastIndexOf(':') + 1)));
            answers.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                switch (line.trim()) {
                    case "count" -> answers.println("COUNT " + StowRsTest.instances(s));
                    case "heap" -> answers.println("HEAP " + peakHeap() / (1 << 20));
                    default -> answers.println("? " + line);
                }
                answers.flush();
            }
        }
    }

    private static long peakHeap() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
