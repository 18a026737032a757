package org.gridpacs.replication.transfer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.gridpacs.archive.storage.StoredObject;
import org.gridpacs.archive.store.StoreException;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.dicom.net.dimse.Status;

/** The object a copy request carries (File Meta Information, then the data set), stored here and answered. */
final class ReceivedObject {
    private ReceivedObject() {
    }

    /**
     * Stores the body of {@code request} through this node's store service; null when it was refused, the answer
     * (400 not DICOM, 409 a different object under that UID, 422 bad data, 507 storage full) then sent.
     *
     * @throws IOException when reading the body fails (the request was cut off: nothing is stored)
     */
    static StoreResult store(StoreService store, Request request, String sourceAET, Response response,
                             Callback callback) throws IOException {
        InputStream in = new BufferedInputStream(Content.Source.asInputStream(request), 64 * 1024);
        DataSet meta;
        try {
            meta = FileMetaInformation.read(in);
        } catch (IOException e) {
            PeerHandler.answer(response, callback, 400, "not a DICOM file: " + e.getMessage());
            return null;
        }
        StoreRequest req = new StoreRequest(meta.getString(Tag.MediaStorageSOPClassUID),
                meta.getString(Tag.MediaStorageSOPInstanceUID), meta.getString(Tag.TransferSyntaxUID), sourceAET);
        try {
            return store.store(req, in);
        } catch (StoreException e) {
            int http = e.status() == Status.DUPLICATE_SOP_INSTANCE ? 409
                    : e.status() == Status.OUT_OF_RESOURCES ? 507 : 422;
            PeerHandler.answer(response, callback, http, e.getMessage());
            return null;
        }
    }

    /** 201 with this node's copy: key, size and checksum, which the origin compares with its own object. */
    static void created(StoredObject copy, Response response, Callback callback) {
        response.setStatus(201);
        response.getHeaders().put(PeerClient.KEY, copy.key());
        response.getHeaders().put(PeerClient.SIZE, copy.size());
        if (copy.checksum() != null) {
            response.getHeaders().put(PeerClient.CHECKSUM, copy.checksum());
        }
        Content.Sink.write(response, true, "stored\n", callback);
    }
}
