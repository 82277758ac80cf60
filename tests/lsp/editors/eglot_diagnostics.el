;;; Headless Emacs + eglot as a language client: open a migration, wait for the
;;; server's diagnostics, write them as "line:col:code:message" (1-based) and quit.
;;; Environment: ALEMBIC_LINT_PYTHON, ALEMBIC_LINT_FILE, ALEMBIC_LINT_OUT.
(require 'eglot)
(require 'flymake)

(let* ((python (getenv "ALEMBIC_LINT_PYTHON"))
       (file (getenv "ALEMBIC_LINT_FILE"))
       (out (getenv "ALEMBIC_LINT_OUT"))
       (root (file-name-directory file))
       (deadline (+ (float-time) 60))
       (lines '()))
  (setq eglot-server-programs `((python-mode . (,python "-m" "alembic_lint_lsp"))))
  ;; A folder outside version control: eglot needs a project, give it a transient one.
  (add-hook 'project-find-functions (lambda (_dir) (cons 'transient root)))
  (find-file file)
  (python-mode)
  ;; `eglot-ensure' waits for the next command, which never comes in batch mode.
  (apply #'eglot (eglot--guess-contact))
  (flymake-mode 1)
  (flymake-start)
  (while (and (null (flymake-diagnostics)) (< (float-time) deadline))
    (accept-process-output nil 0.05)
    (flymake-start))
  (if (null (flymake-diagnostics))
      (push "no diagnostics received" lines)
    (dolist (d (flymake-diagnostics))
      (let ((beg (flymake-diagnostic-beg d)))
        (push (format "%d:%d:%s"
                      (line-number-at-pos beg)
                      (save-excursion (goto-char beg) (1+ (current-column)))
                      (flymake-diagnostic-text d))
              lines))))
  (with-temp-file out (insert (mapconcat #'identity (nreverse lines) "\n") "\n"))
  (kill-emacs 0))
