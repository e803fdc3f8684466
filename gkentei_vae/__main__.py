from gkentei_vae.cli import main

raise SystemExit(main())
