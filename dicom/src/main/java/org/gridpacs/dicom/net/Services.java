package org.gridpacs.dicom.net;

/**
 * The DIMSE service handlers of an application entity. C-ECHO is always answered; a request for a service
 * without a handler gets a failure status naming it.
 */
public final class Services {
    private Handlers.Store store;
    private Handlers.Find find;
    private Handlers.Retrieve move;
    private Handlers.Retrieve get;
    private Handlers.Normalized action;
    private Handlers.Normalized eventReport;

    public Services store(Handlers.Store h) {
        this.store = h;
        return this;
    }

    public Services find(Handlers.Find h) {
        this.find = h;
        return this;
    }

    public Services move(Handlers.Retrieve h) {
        this.move = h;
        return this;
    }

    public Services get(Handlers.Retrieve h) {
        this.get = h;
        return this;
    }

    public Services action(Handlers.Normalized h) {
        this.action = h;
        return this;
    }

    public Services eventReport(Handlers.Normalized h) {
        this.eventReport = h;
        return this;
    }

    Handlers.Store store() {
        return store;
    }

    Handlers.Find find() {
        return find;
    }

    Handlers.Retrieve move() {
        return move;
    }

    Handlers.Retrieve get() {
        return get;
    }

    Handlers.Normalized action() {
        return action;
    }

    Handlers.Normalized eventReport() {
        return eventReport;
    }
}
