from gkentei_vae.cli import main

# Guarded: child processes that import this module must not run the CLI again.
if __name__ == "__main__":
    raise SystemExit(main())
