package org.gridpacs.federation.export;

import java.io.Closeable;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.gridpacs.archive.index.StoredHeaders;
import org.gridpacs.archive.store.InstanceStored;
import org.gridpacs.archive.store.StoreListener;
import org.gridpacs.federation.site.FederationSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarding rules at work: a {@link StoreListener} notes each study that receives an instance (durably, in
 * {@code forward_pending}); a thread looks at the studies that have been quiet for {@link ExportSettings#quiet()}
 * and queues an export for each rule that one of their instances matches, once per study, destination and profile
 * (the queue's key: a study that grows later is not sent again by the rule; {@code pacs export} can). Instances that
 * came from another site (their origin is a remote site's AE title) do not make a study pending: no ping-pong.
 */
public final class Forwarding implements StoreListener, Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarding.class);
    private final ExportQueue queue;
    private final StoredHeaders headers;
    private final FederationSettings sites;
    private final ExportSettings settings;
    private final Runnable queued;
    private final Thread thread;
    private volatile boolean running = true;

    /** {@code queued}: told when an export was queued (the sender's wake). */
    public Forwarding(ExportQueue queue, StoredHeaders headers, FederationSettings sites, ExportSettings settings,
                      Runnable queued) {
        this.queue = queue;
        this.headers = headers;
        this.sites = sites;
        this.settings = settings;
        this.queued = queued;
        this.thread = new Thread(this::run, "federation-forward");
        this.thread.setDaemon(true);
    }

    public Forwarding start() {
        if (!settings.rules().isEmpty()) {
            thread.start();
        }
        return this;
    }

    @Override
    public void instanceStored(InstanceStored event) {
        if (settings.rules().isEmpty() || event.arrival() == InstanceStored.Arrival.DUPLICATE
                || (event.callingAETitle() != null && sites.remoteByAeTitle(event.callingAETitle()).isPresent())) {
            return;
        }
        try {
            queue.touch(event.studyInstanceUID());
        } catch (SQLException e) {
            LOG.warn("Forwarding: could not note study {}: {}", event.studyInstanceUID(), e.getMessage());
        }
    }

    private void run() {
        long period = Math.max(50, Math.min(1000, settings.quiet().toMillis() / 4));
        while (running) {
            try {
                checkQuietStudies();
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Forwarding: the pending studies could not be read: {}", e.toString());
            }
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Queues the exports the rules want for the studies quiet since the setting's time; returns how many. */
    int checkQuietStudies() throws SQLException {
        Instant cutoff = Instant.now().minus(settings.quiet());
        int n = 0;
        for (String study : queue.quietSince(cutoff)) {
            Set<ForwardRule> matched = new LinkedHashSet<>();
            try {
                headers.forEach(study, null, null, row -> {
                    var h = row.header();
                    for (ForwardRule r : settings.rules()) {
                        if (r.matches(h)) {
                            matched.add(r);
                        }
                    }
                });
            } catch (IOException e) {
                LOG.warn("Forwarding: could not read the headers of study {}: {}", study, e.getMessage());
                continue;
            }
            for (ForwardRule r : matched) {
                Export e = queue.add(study, r.to(), r.profile().name(), "rule " + r.id(), false);
                if (e.state() == ExportState.QUEUED && e.attempts() == 0) {
                    LOG.info("Forwarding rule {}: study {} queued for {} ({}), export {}", r.id(), study, r.to(),
                            r.profile().name(), e.id());
                    n++;
                }
            }
            queue.settled(study, cutoff);
        }
        if (n > 0) {
            queued.run();
        }
        return n;
    }

    /** The rules in force. */
    public List<ForwardRule> rules() {
        return settings.rules();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
