package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code pacs receive}: a storage SCP writing what it receives into a folder, until stopped. */
@Command(name = "receive",
        description = {"Receive DICOM instances (storage SCP, and C-ECHO) and write each as DIR/<SOP Instance UID>.dcm, "
                + "in the transfer syntax it was sent in. Runs until Ctrl-C or SIGTERM.",
                "Accepts every storage SOP class in any transfer syntax. Only associations calling our AE title are "
                        + "accepted unless --accept-any-aet is given."})
final class ReceiveCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiveCommand.class);

    /** {@code AET[@IP][:PORT]}: our AE title, and where to listen (all interfaces by default). */
    record Bind(String aet, String host, int port) {
        static final int DEFAULT_PORT = 11112;

        static Bind parse(String text) {
            String s = text.strip();
            int at = s.indexOf('@');
            int colon = s.indexOf(':');
            if (at < 0) {
                String aet = Peer.checkAETitle(colon < 0 ? s : s.substring(0, colon));
                return new Bind(aet, null, colon < 0 ? DEFAULT_PORT : Peer.parsePort(s.substring(colon + 1)));
            }
            Peer.HostPort hp = Peer.HostPort.parse(s.substring(at + 1), DEFAULT_PORT, "AET[@IP][:PORT]");
            return new Bind(Peer.checkAETitle(s.substring(0, at)), hp.host(), hp.port());
        }

        static final class Converter implements ITypeConverter<Bind> {
            @Override
            public Bind convert(String value) {
                try {
                    return parse(value);
                } catch (IllegalArgumentException e) {
                    throw new TypeConversionException(e.getMessage());
                }
            }
        }
    }

    @Option(names = {"-b", "--bind"}, required = true, paramLabel = "AET[@IP][:PORT]", converter = Bind.Converter.class,
            description = "Our AE title, and the port to listen on (default " + Bind.DEFAULT_PORT
                    + "), optionally on one local address only.")
    Bind bind;

    @Option(names = "--directory", required = true, paramLabel = "DIR",
            description = "Folder to write the instances to (created if missing).")
    Path directory;

    @Option(names = "--accept-any-aet", description = "Accept associations whatever called AE title they ask for.")
    boolean acceptAnyAET;

    @Option(names = "--fsync", description = "Flush each file to disk before confirming it to the sender (slower, "
            + "but a confirmed instance survives a power cut).")
    boolean fsync;

    @Option(names = "--max-associations", paramLabel = "N", defaultValue = "50",
            description = "Associations served at once; more are turned away (default: ${DEFAULT-VALUE}).")
    int maxAssociations;

    @Mixin
    NetworkOptions network;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile StorageReceiver receiver;

    @Override
    public Integer call() throws Exception {
        if (maxAssociations < 1) {
            throw new UsageException("--max-associations must be at least 1");
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UsageException("cannot create the folder " + directory + ": " + e);
        }
        if (!Files.isWritable(directory)) {
            throw new UsageException("cannot write to the folder " + directory);
        }
        InetAddress address;
        try {
            address = bind.host() == null ? null : InetAddress.getByName(bind.host());
        } catch (UnknownHostException e) {
            throw new UsageException("unknown local address " + bind.host());
        }
        InstanceWriter writer = new InstanceWriter(directory, fsync);
        try {
            receiver = new StorageReceiver(acceptAnyAET ? null : bind.aet(), writer,
                    network.scpSettings().withMaxAssociations(maxAssociations)).start(address, bind.port());
        } catch (IOException e) {
            throw new IOException("cannot listen on port " + bind.port() + ": " + e.getMessage(), e);
        }
        Thread hook = new Thread(this::stop, "receive-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        LOG.info("Receiving as {} on port {}{}, writing to {}", bind.aet(), receiver.port(),
                acceptAnyAET ? " (any called AE title)" : "", directory.toAbsolutePath());
        stopped.await();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is what stopped us
        }
        return 0;
    }

    /** Stops listening, aborts associations in progress; from the shutdown hook (Ctrl-C, SIGTERM) or a test. */
    void stop() {
        StorageReceiver r = receiver;
        if (r != null && stopped.getCount() > 0) {
            r.close();
            LOG.info("Stopped after receiving {} instances", r.received());
        }
        stopped.countDown();
    }

    /** The port listened on, once started (for tests); -1 before. */
    int port() {
        StorageReceiver r = receiver;
        return r == null ? -1 : r.port();
    }
}
