package dev.tether.core.backend;

/** What a backend connection reports to the exchange that is using it. All calls come on its event loop. */
public interface BackendListener {

    /** A decoded response message: {@code HttpResponse}, {@code HttpContent} or {@code LastHttpContent}. The listener owns it. */
    void onBackendMessage(BackendConnection connection, Object message);

    /** The backend's read batch ended; a good moment to flush toward the client. */
    void onBackendReadComplete(BackendConnection connection);

    /** The connection closed (FIN or reset). */
    void onBackendClosed(BackendConnection connection);

    void onBackendError(BackendConnection connection, Throwable cause);

    void onBackendWritabilityChanged(BackendConnection connection);
}
