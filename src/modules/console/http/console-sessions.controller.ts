import { Body, Controller, Delete, ForbiddenException, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_ENV, type AppEnv } from '../../../config/env.schema';
import type { AuthenticatedRequest } from '../../../shared/http/principal';
import { Auth } from '../../../shared/http/auth.decorator';
import { consoleCookieName, consoleCookieSecure, consoleRequestIsSameOrigin } from '../../../shared/http/console-csrf';
import { ValidateRequests } from '../../../shared/http/request-validation';
import { AllowScopes, TenantFrom } from '../../../shared/http/route-access';
import { SignInConsoleUseCase } from '../application/sign-in-console.use-case';
import { SignOutConsoleUseCase } from '../application/sign-out-console.use-case';
import { SignInConsoleRequestDto } from './dtos/sign-in-console.request.dto';

/**
 * The console's sign-in: an API key in, an HttpOnly SameSite=Strict session cookie out. The cookie
 * carries no key; the key is never kept by the browser.
 */
@Controller('admin/v1/console-sessions')
@ValidateRequests()
// The caller's own session: any key the console signs in with (sessions keys cannot).
@AllowScopes('admin', 'tenant')
@TenantFrom({ from: 'principal' })
export class ConsoleSessionsController {
  private readonly cookie: string;
  private readonly attributes: string;

  constructor(
    private readonly signIn: SignInConsoleUseCase,
    private readonly signOut: SignOutConsoleUseCase,
    @Inject(APP_ENV) private readonly env: AppEnv,
  ) {
    this.cookie = consoleCookieName(env);
    this.attributes = `Path=/; HttpOnly; SameSite=Strict${consoleCookieSecure(env) ? '; Secure' : ''}`;
  }

  /** Public by necessity (the key is in the body); the console header and Origin stop login CSRF. */
  @Post()
  @Auth('public')
  @HttpCode(201)
  async create(
    @Req() req: AuthenticatedRequest,
    @Body() body: SignInConsoleRequestDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!consoleRequestIsSameOrigin(req, this.env)) {
      throw new ForbiddenException('sign in from the console (X-Roster-Console header, same origin)');
    }
    const { secret, principal, expiresAt } = await this.signIn.execute(body.apiKey, req.ip ?? '');
    void reply.header('set-cookie', `${this.cookie}=${secret}; ${this.attributes}`).header('cache-control', 'no-store');
    return { principal, expiresAt: expiresAt.toISOString() };
  }

  /** Who the console (or a bearer) is acting as. */
  @Get('current')
  current(@Req() req: AuthenticatedRequest) {
    return { principal: req.principal, console: req.consoleSessionId !== undefined };
  }

  /** Ends the session server-side and clears the cookie. */
  @Delete('current')
  @HttpCode(204)
  async delete(@Req() req: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    if (req.consoleSessionId) await this.signOut.execute(req.consoleSessionId);
    void reply.header('set-cookie', `${this.cookie}=; ${this.attributes}; Max-Age=0`);
  }
}
