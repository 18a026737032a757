package org.gridpacs.gateway.cli;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.data.UIDs;
import org.gridpacs.dicom.net.AcceptPolicy;
import org.gridpacs.dicom.net.DicomServer;
import org.gridpacs.dicom.net.NetworkSettings;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.dimse.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage SCP behind {@code pacs receive}: Verification and every storage SOP class in any transfer syntax,
 * each instance written by an {@link InstanceWriter}. Separate from the command so tests can run it in-process.
 */
final class StorageReceiver implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageReceiver.class);

    private final DicomServer server;
    private final AtomicLong received = new AtomicLong();

    /** {@code calledAET} null answers to any called AE title. */
    StorageReceiver(String calledAET, InstanceWriter writer, NetworkSettings settings) {
        AcceptPolicy policy = (calledAET == null ? new AcceptPolicy() : new AcceptPolicy(calledAET))
                .accept(UID.Verification, UID.ImplicitVRLittleEndian, UID.ExplicitVRLittleEndian)
                .accept(storageClasses(), AcceptPolicy.ANY);
        Services services = new Services().store((request, data) -> {
            Path file = writer.write(request.sopClassUID(), request.sopInstanceUID(), request.transferSyntaxUID(),
                    request.callingAETitle(), data);
            received.incrementAndGet();
            LOG.debug("Stored {} from {}", file, request.callingAETitle());
            return Status.SUCCESS;
        });
        this.server = new DicomServer(settings, policy, services);
    }

    private static List<String> storageClasses() {
        List<String> classes = new ArrayList<>(UIDs.storageSopClasses());
        classes.remove(UID.MediaStorageDirectoryStorage); // a DICOMDIR is not sent over the network
        return classes;
    }

    StorageReceiver start(InetAddress bindAddress, int port) throws IOException {
        server.start(bindAddress, port);
        return this;
    }

    int port() {
        return server.port();
    }

    /** Instances stored since the start. */
    long received() {
        return received.get();
    }

    @Override
    public void close() {
        server.close();
    }
}
