package org.gridpacs.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.gridpacs.archive.index.IndexDatabase;
import org.gridpacs.archive.index.SqlInstanceIndex;
import org.gridpacs.archive.index.StoredHeaders;
import org.gridpacs.archive.query.QueryService;
import org.gridpacs.archive.retrieve.RetrieveService;
import org.gridpacs.archive.storage.FileSystemStorage;
import org.gridpacs.archive.store.DuplicatePolicy;
import org.gridpacs.archive.store.StoreRequest;
import org.gridpacs.archive.store.StoreResult;
import org.gridpacs.archive.store.StoreService;
import org.gridpacs.dicom.data.DataSet;
import org.gridpacs.dicom.data.Tag;
import org.gridpacs.dicom.io.DicomInputStream;
import org.gridpacs.dicom.io.FileMetaInformation;
import org.gridpacs.http.NodeHttpServer;
import org.gridpacs.http.auth.Caller;

/**
 * One archive (H2 index and file storage in a folder, the real store, query and retrieve services) with DICOMweb
 * on a free loopback port, every request made as {@link Caller#LOCAL} (or as the caller given): what the resources
 * of the web module are tested through. {@link #storeFile} fills it as a C-STORE would.
 */
public final class WebTestServer implements AutoCloseable {
    public final IndexDatabase db;
    public final FileSystemStorage storage;
    public final StoreService store;
    public final QueryService query;
    public final RetrieveService retrieve;
    public final DicomWebServices services;
    private final NodeHttpServer http;
    private final HttpClient client = HttpClient.newHttpClient();
    private volatile Caller caller = Caller.LOCAL;

    public WebTestServer(Path dir) throws Exception {
        this(dir, Map.of());
    }

    /** With more public routes beside DICOMweb (the viewer's: "/" and "/admin/*"). */
    public WebTestServer(Path dir, Map<String, Handler> moreRoutes) throws Exception {
        db = IndexDatabase.openH2(dir.resolve("index"));
        storage = new FileSystemStorage("node1", dir.resolve("storage"), false);
        store = new StoreService(storage, new SqlInstanceIndex(db), DuplicatePolicy.REJECT);
        query = new QueryService(db, "PACS");
        retrieve = new RetrieveService(query, Map.of(storage.id(), storage));
        services = new DicomWebServices(query, retrieve, store, new StoredHeaders(db), "PACS");
        Handler handler = DicomWeb.handler(services);
        Handler asCaller = new Handler.Wrapper(handler) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                request.setAttribute(Caller.ATTRIBUTE, caller);
                return super.handle(request, response, callback);
            }
        };
        http = new NodeHttpServer("127.0.0.1", 0)
                .publicRoute(DicomWebHandler.ROUTE, asCaller)
                .publicRoute(DicomWebHandler.WADO_URI_ROUTE, asCaller);
        moreRoutes.forEach(http::publicRoute);
        http.start();
    }

    /** Makes the following requests as {@code c}. */
    public void as(Caller c) {
        this.caller = c;
    }

    /** "http://127.0.0.1:PORT". */
    public String origin() {
        return "http://127.0.0.1:" + http.port();
    }

    /** "http://127.0.0.1:PORT/dicom-web". */
    public String root() {
        return origin() + DicomWebHandler.ROOT;
    }

    /**
     * Stores a Part 10 file as a C-STORE would: in its own transfer syntax, under its data set's own UIDs (the
     * File Meta Information of some pydicom files, rtdose.dcm among them, names another SOP Instance UID).
     */
    public StoreResult storeFile(Path file) throws Exception {
        DataSet ds = read(file);
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            DataSet meta = FileMetaInformation.read(in);
            String ts = meta.getString(Tag.TransferSyntaxUID);
            return store.store(new StoreRequest(ds.getString(Tag.SOPClassUID, meta.getString(Tag.MediaStorageSOPClassUID)),
                    ds.getString(Tag.SOPInstanceUID, meta.getString(Tag.MediaStorageSOPInstanceUID)), ts, "MODALITY"), in);
        }
    }

    /** Stores a data set built in memory, Explicit VR Little Endian. */
    public StoreResult store(DataSet ds) throws Exception {
        return store.store(StoreRequest.of(ds, "1.2.840.10008.1.2.1", "MODALITY"), ds);
    }

    /** GET {@code pathAndQuery} (relative to the origin, e.g. "/dicom-web/studies?limit=1") with an Accept header. */
    public HttpResponse<byte[]> get(String pathAndQuery, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(origin() + pathAndQuery)).GET();
        if (accept != null) {
            b.header("Accept", accept);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpClient client() {
        return client;
    }

    /** Reads the data set of a Part 10 file, past its File Meta Information (for comparisons). */
    public static DataSet read(Path file) throws IOException {
        try (DicomInputStream in = new DicomInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            in.readFileMetaInformation();
            return in.readDataSet();
        }
    }

    @Override
    public void close() throws Exception {
        http.close();
        db.close();
    }
}
