package org.gridpacs.web.wado;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.retrieve.NoAcceptableTransferSyntaxException;
import org.gridpacs.archive.retrieve.RetrieveContext;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.web.DicomWebRequest;
import org.gridpacs.web.HttpProblem;
import org.gridpacs.web.multipart.MultipartWriter;
import org.gridpacs.web.pixels.SyntaxNames;
import org.gridpacs.web.target.RetrieveTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WADO-RS Retrieve Study / Series / Instance (PS3.18 10.4): {@code multipart/related; type="application/dicom"},
 * one Part 10 file per part, each labelled {@code application/dicom; transfer-syntax=<uid>}, streamed one instance
 * at a time from storage to the socket.
 *
 * <p>Which instances can be sent is decided from the index (each instance's stored syntax against the accepted
 * ones) before the answer starts: none: 406 with the reason; all: 200; some: 206 Partial Content, the others left
 * out with a Warning header naming how many and why, and a log line naming them (PS3.18 10.4.3 lists 206 for a
 * retrieve that returns some but not all of its target resources).
 */
final class InstanceRetrieve {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceRetrieve.class);

    private final RetrieveService retrieve;
    private final RetrieveTarget target;

    InstanceRetrieve(RetrieveService retrieve, RetrieveTarget target) {
        this.retrieve = retrieve;
        this.target = target;
    }

    private record Planned(IndexedInstance instance, String syntax) {
    }

    void serve(DicomWebRequest request) throws Exception {
        List<IndexedInstance> instances = target.instances(request.path());
        InstanceNegotiation negotiation = InstanceNegotiation.of(request.accept(), instances.size());
        List<Planned> plan = new ArrayList<>();
        List<IndexedInstance> left = new ArrayList<>();
        for (IndexedInstance i : instances) {
            String ts = negotiation.target(i.transferSyntaxUID());
            if (ts != null) {
                plan.add(new Planned(i, ts));
            } else {
                left.add(i);
            }
        }
        String what = RetrieveTarget.describe(request.path());
        if (plan.isEmpty()) {
            IndexedInstance i = left.get(0);
            throw HttpProblem.notAcceptable((instances.size() == 1 ? "the instance" : "none of the " + instances.size()
                    + " instances") + " of " + what + " can be sent in " + describe(negotiation.syntaxes())
                    + ": " + (instances.size() == 1 ? "it" : "instance " + i.sopInstanceUID()) + " is stored as "
                    + SyntaxNames.of(i.transferSyntaxUID()) + ", which is not converted to that here");
        }
        String warning = null;
        if (!left.isEmpty()) {
            warning = left.size() + " of " + instances.size() + " instances left out: stored in a transfer syntax not"
                    + " converted to " + describe(negotiation.syntaxes()) + " here (first: "
                    + left.get(0).sopInstanceUID() + " as " + left.get(0).transferSyntaxUID() + ")";
            LOG.info("WADO-RS {} for {}: {}; left out: {}", what, request.caller().name(), warning,
                    left.stream().map(IndexedInstance::sopInstanceUID).toList());
        }
        RetrieveContext context = WadoResponse.context(request);
        // the first instance is opened before the answer starts: a copy that cannot be read is still a clean error
        OpenedInstance first = open(context, plan.get(0));
        int status = left.isEmpty() ? 200 : 206;
        if (!negotiation.multipart()) {
            try (first) {
                OutputStream body = WadoResponse.start(request, status,
                        "application/dicom; transfer-syntax=" + first.transferSyntax().uid(), warning);
                first.writeTo(body);
                WadoResponse.finish(request, body);
            }
            return;
        }
        String boundary = MultipartWriter.newBoundary();
        OpenedInstance next = first;
        try {
            OutputStream body = WadoResponse.start(request, status,
                    MultipartWriter.contentType("application/dicom", boundary), warning);
            MultipartWriter parts = new MultipartWriter(body, boundary);
            for (int k = 0; k < plan.size(); k++) {
                if (next == null) {
                    next = open(context, plan.get(k));
                }
                next.writeTo(parts.startPart("application/dicom; transfer-syntax=" + next.transferSyntax().uid()));
                next.close();
                next = null;
            }
            parts.finish();
            WadoResponse.finish(request, body);
        } finally {
            if (next != null) {
                next.close();
            }
        }
    }

    private OpenedInstance open(RetrieveContext context, Planned p) throws IOException {
        try {
            return OpenedInstance.open(retrieve, context, p.instance(), p.syntax());
        } catch (NoAcceptableTransferSyntaxException e) {
            // the index said one syntax, the copy holds another that cannot be converted
            throw new IOException("instance " + p.instance().sopInstanceUID() + " cannot be sent in "
                    + SyntaxNames.of(p.syntax()) + ": " + e.getMessage(), e);
        }
    }

    private static String describe(List<String> syntaxes) {
        return String.join(" or ", syntaxes.stream()
                .map(s -> s.equals(InstanceNegotiation.AS_STORED) ? "its stored syntax" : SyntaxNames.of(s))
                .toList());
    }
}
