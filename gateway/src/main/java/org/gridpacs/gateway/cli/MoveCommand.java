package org.gridpacs.gateway.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.DimseResponse;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pacs move}: C-MOVE of matching instances to a destination AE known to the peer. */
@Command(name = "move",
        description = {"Ask a peer to send matching instances to a destination AE (C-MOVE).",
                "The peer must know the destination AE title (its host and port are configured there, not here)."})
final class MoveCommand implements Callable<Integer> {

    @Mixin
    ScuOptions scu;

    @Mixin
    QueryOptions query;

    @Option(names = "--dest", required = true, paramLabel = "AET", converter = Peer.AETitleConverter.class,
            description = "AE title of the destination the peer sends the instances to.")
    String destination;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        DataSet keys = query.identifier(List.of());
        AAssociateRQ rq = scu.newRequest();
        rq.addPresentationContext(new PresentationContext.RQ(1, query.model.move,
                UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian));
        DimseResponse last;
        try (Association as = scu.connect(rq, null)) {
            last = as.move(query.model.move, destination, keys, rsp -> RetrieveReport.pending(out, rsp));
        }
        return RetrieveReport.finished(out, "C-MOVE to " + destination, last) ? 0 : 1;
    }
}
