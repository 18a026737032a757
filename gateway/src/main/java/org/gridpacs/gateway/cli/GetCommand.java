package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.Services;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pacs get}: C-GET, the instances coming back on the same association and written to a folder. */
@Command(name = "get",
        description = {"Retrieve matching instances over the same association (C-GET) and write each as "
                + "DIR/<SOP Instance UID>.dcm.",
                "Unlike move, the peer needs no configuration for us; but only the common storage SOP classes "
                        + "(about 60) fit in one association, so instances of rare ones fail."})
final class GetCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(GetCommand.class);

    @Mixin
    ScuOptions scu;

    @Mixin
    QueryOptions query;

    @Option(names = "--directory", required = true, paramLabel = "DIR",
            description = "Folder to write the instances to (created if missing).")
    Path directory;

    @Option(names = "--fsync", description = "Flush each file to disk before confirming it to the peer.")
    boolean fsync;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UsageException("cannot create the folder " + directory + ": " + e);
        }
        DataSet keys = query.identifier(List.of());
        AAssociateRQ rq = scu.newRequest();
        rq.addPresentationContext(new PresentationContext.RQ(1, query.model.get,
                UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian));
        GetContexts.addTo(rq);
        InstanceWriter writer = new InstanceWriter(directory, fsync);
        AtomicInteger written = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Services services = new Services().store((request, data) -> {
            try {
                Path file = writer.write(request.sopClassUID(), request.sopInstanceUID(), request.transferSyntaxUID(),
                        request.association().remoteAETitle(), data);
                written.incrementAndGet();
                LOG.debug("Stored {}", file);
                return Status.SUCCESS;
            } catch (org.gridpacs.dicom.net.DimseException e) {
                failed.incrementAndGet();
                throw e;
            }
        });
        DimseResponse last;
        try (Association as = scu.connect(rq, services)) {
            last = as.get(query.model.get, keys, rsp -> RetrieveReport.pending(out, rsp));
        }
        boolean ok = RetrieveReport.finished(out, "C-GET", last);
        out.printf("%d instances written to %s%s%n", written.get(), directory,
                failed.get() > 0 ? ", " + failed.get() + " could not be written" : "");
        return ok && failed.get() == 0 ? 0 : 1;
    }
}
