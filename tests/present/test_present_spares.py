"""Spare kernels: started before Voilà is imported, handed out by the kit's provisioner."""

from __future__ import annotations

from helpers import kernel_answers, kit_provisioner

from kit.present import spares


def test_a_spare_kernel_is_adopted_with_the_kit_loaded_and_the_widget_protocol(tmp_path):
    """The provisioner hands out a spare that answers like any kernel Voilà would start."""
    from jupyter_client.manager import KernelManager

    spares.start_spares(1, tmp_path)
    spare_pid = spares._spares[0].process.pid
    manager = KernelManager(kernel_name="python3")
    try:
        with kit_provisioner():
            manager.start_kernel()
        assert manager.provisioner.pid == spare_pid and not spares._spares
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        code = (
            "import sys, comm; "
            f"print(all(m in sys.modules for m in {spares.WARM_MODULES!r}), "
            "'jupyter.widget.control' in comm.get_comm_manager().targets)"
        )
        assert kernel_answers(client, code) == ["True", "True"]
        client.stop_channels()
    finally:
        manager.shutdown_kernel(now=True)
        spares.stop_spares()


def test_the_provisioner_is_registered_where_jupyter_client_looks():
    from importlib.metadata import entry_points

    from kit.present.provisioner import SpareKernelProvisioner

    (entry,) = entry_points(group="jupyter_client.kernel_provisioners", name=spares.PROVISIONER)
    assert entry.load() is SpareKernelProvisioner
    assert spares.available()


def test_spares_nobody_took_are_stopped_and_leave_no_files(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    spares.start_spares(2, tmp_path)
    processes = [spare.process for spare in spares._spares]
    spares.stop_spares()
    assert all(process.poll() is not None for process in processes)
    assert not list(tmp_path.glob("kit-kernels-*"))
