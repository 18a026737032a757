package org.gridpacs.archive.dimse;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.gridpacs.archive.index.IndexedInstance;
import org.gridpacs.archive.query.QueryException;
import org.gridpacs.archive.query.QueryModel;
import org.gridpacs.archive.retrieve.Destination;
import org.gridpacs.archive.retrieve.DestinationTransforms;
import org.gridpacs.archive.retrieve.Requester;
import org.gridpacs.archive.retrieve.RetrieveContext;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.data.UID;
import org.gridpacs.dicom.net.Association;
import org.gridpacs.dicom.net.Connector;
import org.gridpacs.dicom.net.DimseException;
import org.gridpacs.dicom.net.DimseRequest;
import org.gridpacs.dicom.net.Handlers;
import org.gridpacs.dicom.net.dimse.CommandField;
import org.gridpacs.dicom.net.dimse.Status;
import org.gridpacs.dicom.net.pdu.AAssociateRQ;
import org.gridpacs.dicom.net.pdu.PresentationContext;
import org.gridpacs.dicom.net.pdu.UserIdentityRQ;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * C-MOVE and C-GET SCP: resolves the instances through the {@link RetrieveService} and performs one C-STORE
 * sub-operation each, to the move destination (on a new association) or back on the requester's association
 * (C-GET), with a pending response after each.
 */
public final class RetrieveScp implements Handlers.Retrieve {
    private static final Logger LOG = LoggerFactory.getLogger(RetrieveScp.class);
    private static final int MAX_PRESENTATION_CONTEXTS = 128;

    private final RetrieveService service;
    private final ApplicationEntities entities;
    private final String localAETitle;
    private final Connector connector;
    private final DestinationTransforms transforms;
    private final SubOperation subOperation;

    /** Every destination gets the instances as stored. */
    public RetrieveScp(RetrieveService service, ApplicationEntities entities, String localAETitle, Connector connector) {
        this(service, entities, localAETitle, connector, DestinationTransforms.NONE);
    }

    /** {@code transforms}: what each destination (move destination, C-GET requester) gets done to the instances. */
    public RetrieveScp(RetrieveService service, ApplicationEntities entities, String localAETitle, Connector connector,
                       DestinationTransforms transforms) {
        this.service = service;
        this.entities = entities;
        this.localAETitle = localAETitle;
        this.connector = connector;
        this.transforms = transforms;
        this.subOperation = new SubOperation(service);
    }

    static QueryModel model(String sopClassUID) {
        return switch (sopClassUID) {
            case UID.PatientRootQueryRetrieveInformationModelMove, UID.PatientRootQueryRetrieveInformationModelGet ->
                    QueryModel.PATIENT_ROOT;
            case UID.StudyRootQueryRetrieveInformationModelMove, UID.StudyRootQueryRetrieveInformationModelGet ->
                    QueryModel.STUDY_ROOT;
            default -> null;
        };
    }

    /** A retrieve request that passed the first checks: its information model and, for a C-MOVE, its destination. */
    public record Accepted(QueryModel model, ApplicationEntities.KnownAE destination) {
        /** A C-MOVE (sub-operations to the destination), not a C-GET (on the requester's association). */
        public boolean move() {
            return destination != null;
        }
    }

    /**
     * What every retrieve checks first, here and in the federation's relay: the caller may retrieve, the SOP class
     * is Patient Root or Study Root, and a C-MOVE's destination is a known AE.
     */
    public static Accepted accept(DimseRequest request, ApplicationEntities entities) throws DimseException {
        if (!entities.mayRetrieve(request.callingAETitle())) {
            throw new DimseException(Status.NOT_AUTHORIZED, request.callingAETitle() + " may not retrieve from here");
        }
        QueryModel model = model(request.sopClassUID());
        if (model == null) {
            throw new DimseException(Status.SOP_CLASS_NOT_SUPPORTED, "retrieve is offered in Patient Root and Study Root only");
        }
        ApplicationEntities.KnownAE destination = null;
        if (request.command().getInt(Tag.CommandField, 0) == CommandField.C_MOVE_RQ) {
            String dest = request.command().getString(Tag.MoveDestination);
            destination = entities.moveDestination(dest).orElseThrow(() -> new DimseException(
                    Status.MOVE_DESTINATION_UNKNOWN, "move destination " + dest + " is not configured on this node"));
        }
        return new Accepted(model, destination);
    }

    @Override
    public void retrieve(DimseRequest request, DataSet identifier, Handlers.RetrieveResponder responder)
            throws DimseException, IOException {
        Accepted accepted = accept(request, entities);
        QueryModel model = accepted.model();
        boolean move = accepted.move();
        ApplicationEntities.KnownAE destination = accepted.destination();
        List<IndexedInstance> instances;
        try {
            instances = service.resolve(model, identifier);
        } catch (QueryException e) {
            throw new DimseException(e.status(), e.getMessage(), e);
        }
        if (instances.isEmpty()) {
            responder.complete(0, 0, 0, List.of());
            return;
        }
        Association as = move ? connect(destination, instances) : request.association();
        try {
            RetrieveContext context = RetrieveContext.of(requester(request.association()),
                    move ? Destination.moveDestination(destination.aeTitle())
                            : Destination.requester(request.callingAETitle()),
                    as::acceptedTransferSyntaxes, transforms);
            // on a C-MOVE's own association its reader may send the sub-operations; a C-GET shares the requester's
            new SubOperationRun(subOperation, as, move, context, instances, move ? request.callingAETitle() : null,
                    request.messageID(), responder).perform();
        } finally {
            if (move) {
                as.release();
            }
        }
    }

    /** The requester as its association shows it: AE title, the user it named (if any) and its address. */
    static Requester requester(Association requestor) {
        UserIdentityRQ identity = requestor.associateRQ().userInformation().userIdentityRQ();
        String user = identity != null && (identity.userIdentityType() == UserIdentityRQ.USERNAME
                || identity.userIdentityType() == UserIdentityRQ.USERNAME_AND_PASSCODE)
                ? new String(identity.primaryField(), StandardCharsets.UTF_8) : null;
        SocketAddress address = requestor.remoteAddress();
        return new Requester(requestor.callingAETitle(), user, address != null ? address.toString() : null);
    }

    private Association connect(ApplicationEntities.KnownAE destination, List<IndexedInstance> instances)
            throws DimseException {
        AAssociateRQ rq = new AAssociateRQ(localAETitle, destination.aeTitle());
        int id = 1;
        for (String[] pc : proposal(instances)) {
            if (id > 2 * MAX_PRESENTATION_CONTEXTS - 1) {
                LOG.warn("More SOP classes and transfer syntaxes than {} presentation contexts: some instances will fail",
                        MAX_PRESENTATION_CONTEXTS);
                break;
            }
            String[] ts = new String[pc.length - 1];
            System.arraycopy(pc, 1, ts, 0, ts.length);
            rq.addPresentationContext(new PresentationContext.RQ(id, pc[0], ts));
            id += 2;
        }
        try {
            return connector.connect(destination.host(), destination.port(), rq, null);
        } catch (IOException e) {
            throw new DimseException(Status.OUT_OF_RESOURCES_SUB_OPERATIONS, "cannot reach move destination "
                    + destination.aeTitle() + ": " + e.getMessage(), e);
        }
    }

    /**
     * One presentation context per SOP class and stored transfer syntax (so an object can go as it is), and one
     * per SOP class with the uncompressed syntaxes to convert to. Each entry: abstract syntax, transfer syntaxes.
     * Only Explicit VR Little Endian goes without a context of its own: an acceptor picks one syntax of the
     * shared context, nearly always the explicit one, so an object stored Implicit VR needs its own context to be
     * sent unchanged (converted to explicit VR, its private elements of unknown VR would turn into UN).
     */
    static List<String[]> proposal(List<IndexedInstance> instances) {
        Set<String> pairs = new LinkedHashSet<>();
        Set<String> classes = new LinkedHashSet<>();
        for (IndexedInstance i : instances) {
            pairs.add(i.sopClassUID() + " " + i.transferSyntaxUID());
            classes.add(i.sopClassUID());
        }
        List<String[]> out = new ArrayList<>();
        for (String p : pairs) {
            String[] cuidTs = p.split(" ");
            if (!UID.ExplicitVRLittleEndian.equals(cuidTs[1])) {
                out.add(cuidTs);
            }
        }
        for (String cuid : classes) {
            out.add(new String[] {cuid, UID.ExplicitVRLittleEndian, UID.ImplicitVRLittleEndian});
        }
        return out;
    }
}
