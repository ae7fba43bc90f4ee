package org.mailintegrator.interop;

/**
 * A server fixture whose listeners stand in for the standard mail ports on other ports, so that
 * {@link RoutedPolicy} can aim an unchanged policy at it: {@link DovecotServer}, {@link CyrusServer},
 * {@link CourierServer}.
 */
public interface RoutableServer {
    /**
     * The port where this server stands in for {@code standardPort} (143, 993, 110, 995); for a stopped listener, a
     * port where nothing listens.
     *
     * @throws IllegalArgumentException if no listener stands for {@code standardPort}
     */
    int portFor(int standardPort);
}
