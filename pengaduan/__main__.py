from pengaduan.cli import run

run()
